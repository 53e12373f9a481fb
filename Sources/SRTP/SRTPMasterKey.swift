/// An SRTP master key and master salt for one suite: what an SDES `inline:` carries and what a
/// context derives its session keys from (RFC 3711 §4.3, RFC 7714 §11).
///
/// Its description never shows the key, so a key can be logged by accident without leaking.
public struct SRTPMasterKey: Sendable, Equatable, CustomStringConvertible {
    public let suite: SRTPSuite
    /// The master key (`suite.keyLength` bytes).
    public let key: [UInt8]
    /// The master salt (`suite.saltLength` bytes).
    public let salt: [UInt8]

    /// A key from its parts; throws `.invalidKey` when a length does not fit the suite.
    public init(suite: SRTPSuite, key: [UInt8], salt: [UInt8]) throws(SRTPError) {
        guard key.count == suite.keyLength, salt.count == suite.saltLength else {
            throw SRTPError(.invalidKey, "\(suite) needs a \(suite.keyLength)-byte key and a \(suite.saltLength)-byte salt, got \(key.count) and \(salt.count)")
        }
        self.suite = suite
        self.key = key
        self.salt = salt
    }

    /// A key from the concatenated key || salt of an SDES `inline:` parameter.
    public init(suite: SRTPSuite, keyAndSalt: [UInt8]) throws(SRTPError) {
        guard keyAndSalt.count == suite.keyAndSaltLength else {
            throw SRTPError(.invalidKey, "\(suite) needs \(suite.keyAndSaltLength) bytes of key and salt, got \(keyAndSalt.count)")
        }
        self.init(suite: suite, uncheckedKeyAndSalt: keyAndSalt)
    }

    /// Callers guarantee `keyAndSalt.count == suite.keyAndSaltLength`.
    init(suite: SRTPSuite, uncheckedKeyAndSalt keyAndSalt: [UInt8]) {
        self.suite = suite
        key = Array(keyAndSalt[..<suite.keyLength])
        salt = Array(keyAndSalt[suite.keyLength...])
    }

    /// A fresh key from `generator`, which must be a CSPRNG outside tests.
    public static func random(
        for suite: SRTPSuite,
        using generator: inout some RandomNumberGenerator
    ) -> SRTPMasterKey {
        var bytes = [UInt8](repeating: 0, count: suite.keyAndSaltLength)
        var index = 0
        while index < bytes.count {
            var word = generator.next()
            for _ in 0..<8 where index < bytes.count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return SRTPMasterKey(suite: suite, uncheckedKeyAndSalt: bytes)
    }

    /// A fresh key from the system CSPRNG (`SystemRandomNumberGenerator`: `getrandom(2)` on
    /// Linux, `arc4random_buf` on Darwin).
    public static func random(for suite: SRTPSuite) -> SRTPMasterKey {
        var generator = SystemRandomNumberGenerator()
        return random(for: suite, using: &generator)
    }

    /// Key followed by salt, the layout libsrtp2 and SDES both use.
    public var keyAndSalt: [UInt8] { key + salt }

    public var description: String { "SRTPMasterKey(\(suite), <redacted>)" }
}

extension SRTPMasterKey: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}
