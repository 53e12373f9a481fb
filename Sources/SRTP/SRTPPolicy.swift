/// How a trunk, extension or call insists on SRTP with SDES keys.
///
/// | offer received                 | `off`      | `optional`          | `required`          |
/// |--------------------------------|------------|---------------------|---------------------|
/// | RTP/AVP, no a=crypto           | plain RTP  | plain RTP           | 488 `srtpRequired`  |
/// | RTP/AVP, usable a=crypto       | plain RTP  | SRTP (RTP/AVP)      | SRTP (RTP/AVP)      |
/// | RTP/AVP, no usable a=crypto    | plain RTP  | plain RTP           | 488 `noAcceptableCrypto` |
/// | RTP/SAVP, usable a=crypto      | 488 `srtpDisabled` | SRTP        | SRTP                |
/// | RTP/SAVP, no usable a=crypto   | 488 `srtpDisabled` | 488 `noAcceptableCrypto` | 488 `noAcceptableCrypto` |
/// | any other transport (DTLS ...) | 488 `unsupportedProfile` | same  | same                |
///
/// Our own offers: `off` sends RTP/AVP without crypto, `optional` RTP/AVP with a=crypto lines
/// ("best effort", accepted by peers that ignore the attribute), `required` RTP/SAVP with them.
public enum SRTPPolicy: String, Sendable, CaseIterable, Codable {
    case required
    case optional
    case off
}

/// The RTP profiles of an m= line, as SDES negotiation sees them.
enum RTPProfileKind: Equatable {
    /// RTP/AVP or RTP/AVPF (RFC 3551, RFC 4585).
    case plain
    /// RTP/SAVP or RTP/SAVPF (RFC 3711, RFC 5124).
    case secure
    /// Anything else, notably UDP/TLS/RTP/SAVP(F) (DTLS-SRTP), which SDES cannot key.
    case other

    init(_ proto: String) {
        switch proto.uppercased() {
        case "RTP/AVP", "RTP/AVPF": self = .plain
        case "RTP/SAVP", "RTP/SAVPF": self = .secure
        default: self = .other
        }
    }

    /// `proto` turned into the plain or secure profile, keeping the feedback (F) variant.
    static func proto(_ proto: String, secure: Bool) -> String {
        let feedback = proto.uppercased().hasSuffix("F")
        return (secure ? "RTP/SAVP" : "RTP/AVP") + (feedback ? "F" : "")
    }
}

/// Why SDES offer/answer failed. When answering an offer, reject it with ``sipStatus`` (488 Not
/// Acceptable Here) and a `Warning` with ``warningCode``; when checking an answer to our offer,
/// there is nothing left to reject: end the session (ACK, then BYE).
public struct SRTPNegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Plain RTP was offered or answered, but the policy is `required`.
        case srtpRequired
        /// RTP/SAVP was offered, but the policy is `off`.
        case srtpDisabled
        /// No a=crypto line could be used; ``rejected`` says why for each.
        case noAcceptableCrypto
        /// A transport SDES cannot key, such as UDP/TLS/RTP/SAVP.
        case unsupportedProfile
        /// The answer's a=crypto does not fit our offer (count, tag, suite or key).
        case invalidAnswer
    }

    public var kind: Kind
    public var detail: String
    /// Per-line reasons, for logs, when lines were refused.
    public var rejected: [SDESError]

    public init(kind: Kind, detail: String, rejected: [SDESError] = []) {
        self.kind = kind
        self.detail = detail
        self.rejected = rejected
    }

    /// The SIP response that rejects the offer: 488 Not Acceptable Here (RFC 3261 §21.4.26).
    public var sipStatus: Int { 488 }

    /// The RFC 3261 §20.43 warning code: 302 (incompatible transport protocol) when the m= line
    /// profile is the problem, 306 (attribute not understood) when the a=crypto lines are.
    public var warningCode: Int {
        switch kind {
        case .srtpRequired, .srtpDisabled, .unsupportedProfile: 302
        case .noAcceptableCrypto, .invalidAnswer: 306
        }
    }

    public var description: String {
        var text = "SRTP negotiation \(kind): \(detail)"
        if !rejected.isEmpty {
            text += " [" + rejected.map(\.description).joined(separator: "; ") + "]"
        }
        return text
    }
}
