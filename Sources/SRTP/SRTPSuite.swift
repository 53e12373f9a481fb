import CSRTP

/// The SRTP crypto suites Parley negotiates, with their SDES names (RFC 4568 §6.2, RFC 7714 §12)
/// and the sizes that follow from them.
///
/// Ordered from weakest to strongest: the answerer picks the strongest suite both sides support.
public enum SRTPSuite: Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// AES-128 counter mode, HMAC-SHA1 with a 32-bit tag on SRTP (80-bit on SRTCP, RFC 4568 §6.2.2).
    case aesCM128HMACSHA1_32
    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 3711's default).
    case aesCM128HMACSHA1_80
    /// AES-128 in Galois/counter mode with a 128-bit tag (RFC 7714).
    case aeadAES128GCM

    /// The crypto-suite token of an `a=crypto` line.
    public var sdesName: String {
        switch self {
        case .aesCM128HMACSHA1_32: "AES_CM_128_HMAC_SHA1_32"
        case .aesCM128HMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aeadAES128GCM: "AEAD_AES_128_GCM"
        }
    }

    /// The suite with this crypto-suite token (exact, as RFC 4568 §9.2 registers them), or nil.
    public init?(sdesName: String) {
        guard let suite = Self.allCases.first(where: { $0.sdesName == sdesName }) else { return nil }
        self = suite
    }

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes: 112 bits for AES-CM (RFC 3711 §8.2), 96 bits for GCM
    /// (RFC 7714 §12).
    public var saltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_32, .aesCM128HMACSHA1_80: 14
        case .aeadAES128GCM: 12
        }
    }

    /// Bytes of the `inline:` key: master key followed by master salt.
    public var keyAndSaltLength: Int { keyLength + saltLength }

    /// Authentication tag appended to each SRTP packet.
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_32: 4
        case .aesCM128HMACSHA1_80: 10
        case .aeadAES128GCM: 16
        }
    }

    /// Authentication tag appended to each SRTCP packet (the _32 suite still uses 80 bits here).
    public var rtcpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_32, .aesCM128HMACSHA1_80: 10
        case .aeadAES128GCM: 16
        }
    }

    /// Bytes `protectRTP` adds to a packet (no MKI is ever used).
    public var rtpOverhead: Int { rtpTagLength }

    /// Bytes `protectRTCP` adds: the E flag with the 31-bit SRTCP index, and the tag.
    public var rtcpOverhead: Int { 4 + rtcpTagLength }

    /// The most any suite adds to a packet: leave this much room after RTP or RTCP in buffers.
    public static let maximumOverhead = 20

    /// Packets one master key may protect before it must be replaced: 2^48 for SRTP
    /// (RFC 3711 §9.2, RFC 7714 §14.2). A larger SDES lifetime is rejected.
    public static let maximumLifetime: UInt64 = 1 << 48

    public var description: String { sdesName }

    public static func < (lhs: SRTPSuite, rhs: SRTPSuite) -> Bool {
        lhs.strength < rhs.strength
    }

    private var strength: Int {
        switch self {
        case .aesCM128HMACSHA1_32: 0
        case .aesCM128HMACSHA1_80: 1
        case .aeadAES128GCM: 2
        }
    }

    /// Fills libsrtp's crypto policies for SRTP and SRTCP.
    func configure(rtp: inout srtp_crypto_policy_t, rtcp: inout srtp_crypto_policy_t) {
        switch self {
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp)
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&rtp)
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp)
        }
    }
}

extension SRTPSuite {
    /// The suites the installed libsrtp2 can run, strongest first. GCM needs libsrtp2 built with
    /// a crypto backend (Debian's uses NSS); a build without it leaves GCM out of this list.
    public static var supported: [SRTPSuite] { SRTPLibrary.supportedSuites }

    /// Whether the installed libsrtp2 can run this suite.
    public var isSupported: Bool { SRTPLibrary.supportedSuites.contains(self) }
}

/// Process-wide libsrtp2 state: `srtp_init()` runs once, on first use, from whichever thread
/// gets there first.
///
/// Swift initializes a global or static `let` lazily, exactly once and thread-safely
/// (`swift_once`), so the stored status below is the "once" guard. `srtp_shutdown()` is never
/// called: the library stays initialized until the process exits.
public enum SRTPLibrary {
    /// The result of the single `srtp_init()` call.
    private static let initialization: srtp_err_status_t = srtp_init()

    /// Makes sure libsrtp2 is initialized; throws if `srtp_init()` failed (it then fails for the
    /// life of the process).
    static func initialize() throws(SRTPError) {
        let status = initialization
        guard status == srtp_err_status_ok else {
            throw SRTPError(.libraryFailure(Int(status.rawValue)), "srtp_init() failed with status \(status.rawValue)")
        }
    }

    /// The libsrtp2 version, such as `libsrtp2 2.5.0`.
    public static var version: String {
        guard let text = srtp_get_version_string() else { return "libsrtp2 (unknown version)" }
        return String(cString: text)
    }

    /// The suites a context can be created for, strongest first, probed once by creating a
    /// throwaway context per suite.
    static let supportedSuites: [SRTPSuite] = SRTPSuite.allCases.sorted(by: >).filter { suite in
        let key = SRTPMasterKey(suite: suite, uncheckedKeyAndSalt: [UInt8](repeating: 0x5A, count: suite.keyAndSaltLength))
        return (try? SRTPContext(.receiver, key: key)) != nil
    }
}
