import SDP

/// A typed `a=crypto` line for SRTP (RFC 4568 §9.1):
/// `<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>] [WSH=<n>]`.
///
/// What Parley accepts, and why the rest is refused with an ``SDESError``:
/// - one `inline:` key; several keys (`;`) or an MKI (`|1:4`) would need MKI support;
/// - a lifetime as a decimal or `2^n` packet count up to 2^48; it is kept but not enforced (a
///   call ends long before 2^31 packets);
/// - the `WSH=` window size hint (§6.3.7), kept and otherwise ignored (our window is wider);
/// - no other session parameter: `KDR`, `UNENCRYPTED_*`, `UNAUTHENTICATED_SRTP` and the FEC
///   ones change the protection itself, and unknown ones cannot be judged safe to ignore.
public struct SDESCrypto: Sendable, Equatable {
    /// The tag is 1*9DIGIT (RFC 4568 §9.1).
    public static let maximumTag = 999_999_999

    public var tag: Int
    public var key: SRTPMasterKey
    /// Packets the key may protect, when the line says.
    public var lifetime: UInt64?
    /// `WSH=`: the sender's hint for the receiver's replay window, when given.
    public var windowSizeHint: Int?

    public var suite: SRTPSuite { key.suite }

    public init(tag: Int, key: SRTPMasterKey, lifetime: UInt64? = nil, windowSizeHint: Int? = nil) {
        self.tag = tag
        self.key = key
        self.lifetime = lifetime
        self.windowSizeHint = windowSizeHint
    }

    /// Reads the SDP module's untyped crypto attribute.
    public init(_ crypto: Crypto) throws(SDESError) {
        try self.init(attributeValue: crypto.attributeValue)
    }

    /// Reads an `a=crypto` value (the text after `a=crypto:`).
    public init(attributeValue: String) throws(SDESError) {
        let fields = attributeValue.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 3 else {
            throw SDESError(.malformed, tag: nil, "expected <tag> <crypto-suite> <key-params>, got \(fields.count) fields")
        }
        guard fields[0].count <= 9, fields[0].allSatisfy(\.isASCIIDigit), let tag = Int(fields[0]) else {
            throw SDESError(.malformed, tag: nil, "tag '\(fields[0].prefix(12))' is not 1 to 9 digits")
        }
        guard let suite = SRTPSuite(sdesName: String(fields[1])) else {
            throw SDESError(.unsupportedSuite, tag: tag, "crypto-suite '\(fields[1].prefix(40))'")
        }
        let (key, lifetime) = try Self.parseKeyParams(fields[2], suite: suite, tag: tag)
        var windowSizeHint: Int?
        for parameter in fields.dropFirst(3) {
            guard parameter.hasPrefix("WSH="), let value = Int(parameter.dropFirst(4)), value >= 64,
                  parameter.dropFirst(4).allSatisfy(\.isASCIIDigit), windowSizeHint == nil else {
                throw SDESError(.unsupportedSessionParameter, tag: tag, "session parameter '\(parameter.prefix(40))'")
            }
            windowSizeHint = value
        }
        self.init(tag: tag, key: key, lifetime: lifetime, windowSizeHint: windowSizeHint)
    }

    /// The attribute value, canonical: padded base64, lifetime as `2^n` when it is a power of two.
    public var attributeValue: String { crypto.attributeValue }

    /// The SDP module's crypto attribute value for this line.
    public var crypto: Crypto {
        var keyParams = "inline:" + Base64.encode(key.keyAndSalt)
        if let lifetime {
            keyParams += lifetime.nonzeroBitCount == 1 ? "|2^\(lifetime.trailingZeroBitCount)" : "|\(lifetime)"
        }
        let sessionParams = windowSizeHint.map { ["WSH=\($0)"] } ?? []
        return Crypto(tag: tag, suite: suite.sdesName, keyParams: keyParams, sessionParams: sessionParams)
    }

    /// The `a=crypto:` attribute.
    public var attribute: Attribute { Attribute(name: "crypto", value: attributeValue) }

    // MARK: - Key parameters

    private static func parseKeyParams(
        _ text: Substring,
        suite: SRTPSuite,
        tag: Int
    ) throws(SDESError) -> (SRTPMasterKey, UInt64?) {
        guard text.count > 7, text.prefix(7).lowercased() == "inline:" else {
            throw SDESError(.unsupportedKeyMethod, tag: tag, "key method '\(text.prefix(while: { $0 != ":" }).prefix(20))', only inline: is supported")
        }
        let body = text.dropFirst(7)
        guard !body.contains(";") else {
            throw SDESError(.multipleKeys, tag: tag, "several keys in one line need MKIs, which are not supported")
        }
        let parts = body.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count <= 3 else {
            throw SDESError(.malformed, tag: tag, "key parameter has \(parts.count) '|' parts, at most 3 allowed")
        }
        guard let bytes = Base64.decode(parts[0]) else {
            throw SDESError(.badBase64, tag: tag, "the inline key is not valid base64")
        }
        guard bytes.count == suite.keyAndSaltLength else {
            throw SDESError(.badKeyLength, tag: tag, "\(suite) needs \(suite.keyAndSaltLength) bytes of key and salt, the key has \(bytes.count)")
        }
        var lifetime: UInt64?
        for (index, part) in parts.enumerated().dropFirst() {
            if part.contains(":") {
                // MKI is always the last part (RFC 4568 §9.2).
                throw SDESError(.mkiNotSupported, tag: tag, "the key carries an MKI ('\(part.prefix(20))')")
            }
            guard index == 1, let value = parseLifetime(part) else {
                throw SDESError(.badLifetime, tag: tag, "lifetime '\(part.prefix(24))' is not a packet count in 1...2^48")
            }
            lifetime = value
        }
        return (SRTPMasterKey(suite: suite, uncheckedKeyAndSalt: bytes), lifetime)
    }

    /// `2^n` or a decimal count, in 1...2^48.
    private static func parseLifetime(_ text: Substring) -> UInt64? {
        let value: UInt64
        if text.hasPrefix("2^") {
            let exponent = text.dropFirst(2)
            guard (1...2).contains(exponent.count), exponent.allSatisfy(\.isASCIIDigit),
                  let power = Int(exponent), power <= 48 else { return nil }
            value = 1 << UInt64(power)
        } else {
            guard (1...15).contains(text.count), text.allSatisfy(\.isASCIIDigit),
                  let parsed = UInt64(text) else { return nil }
            value = parsed
        }
        return (1...SRTPSuite.maximumLifetime).contains(value) ? value : nil
    }
}

extension Character {
    /// `0`-`9` only (`isNumber` also accepts other scripts' digits and fractions).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

/// Why one `a=crypto` line (RFC 4568) cannot be used.
///
/// During negotiation these are collected per offered line, so a rejection can say why each
/// candidate was refused; `tag` is the line's tag when it could be read.
public struct SDESError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not `<tag> <suite> <key-params> [<session-params>]`, or the tag is not 1*9DIGIT.
        case malformed
        /// A crypto-suite Parley does not implement (or the installed libsrtp2 cannot run).
        case unsupportedSuite
        /// A key method other than `inline:`.
        case unsupportedKeyMethod
        /// More than one key (`;`-separated): only meaningful with MKIs, which are refused.
        case multipleKeys
        /// The key is not valid base64.
        case badBase64
        /// The key decodes to the wrong number of bytes for the suite.
        case badKeyLength
        /// A lifetime that is not a decimal or `2^n` number of packets in 1...2^48.
        case badLifetime
        /// The key carries an MKI (`|<value>:<length>`); Parley sends and expects none.
        case mkiNotSupported
        /// A session parameter Parley does not implement (`KDR=`, `UNENCRYPTED_SRTP`, `FEC_ORDER=` ...).
        case unsupportedSessionParameter
    }

    public var kind: Kind
    /// The line's tag, when it was readable.
    public var tag: Int?
    public var detail: String

    public init(kind: Kind, tag: Int?, detail: String) {
        self.kind = kind
        self.tag = tag
        self.detail = detail
    }

    init(_ kind: Kind, tag: Int?, _ detail: String) {
        self.init(kind: kind, tag: tag, detail: detail)
    }

    public var description: String {
        let line = tag.map { "a=crypto tag \($0)" } ?? "a=crypto"
        return "\(line) \(kind): \(detail)"
    }
}
