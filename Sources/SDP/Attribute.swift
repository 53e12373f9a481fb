/// An a= line (RFC 8866 §5.13): either a property flag (`a=sendonly`, `value == nil`) or a
/// name with a value (`a=rtpmap:0 PCMU/8000`).
///
/// The value is everything after the first colon and may itself contain colons
/// (`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20|1:32`). Typed readings of the well-known
/// attributes live on ``MediaDescription``.
public struct Attribute: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Parses the value of an a= line (the text after `a=`).
    init(sdpValue value: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        let name: ArraySlice<UInt8>
        let attributeValue: ArraySlice<UInt8>?
        if let (head, tail) = value.splitOnce(at: ASCII.colon) {
            (name, attributeValue) = (head, tail)
        } else {
            (name, attributeValue) = (value, nil)
        }
        guard !name.isEmpty else {
            throw SDPError(line: line, reason: "a= line: attribute name is empty")
        }
        guard !name.containsWhitespace else {
            throw SDPError(line: line, reason: "a= line: attribute name contains whitespace")
        }
        self.init(name: name.text, value: attributeValue?.text)
    }

    var sdpValue: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }
}

/// The media direction attributes of RFC 8866 §6.7 and their offer/answer meaning (RFC 3264).
public enum MediaDirection: String, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction an answerer uses to accept an offer with this direction (RFC 3264 §6.1):
    /// an offer to send only is answered by receiving only, and the other way round.
    public var reversed: MediaDirection {
        switch self {
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .sendrecv, .inactive: self
        }
    }

    /// Whether the party using this direction sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// Whether the party using this direction receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction allowing only what both allow: it sends when both send and receives when
    /// both receive. Useful when a local policy narrows what an answer may offer.
    public func intersection(_ other: MediaDirection) -> MediaDirection {
        MediaDirection(sends: sends && other.sends, receives: receives && other.receives)
    }

    /// The direction with the given sending and receiving behaviour.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The flag attribute for this direction, such as `a=sendonly`.
    public var attribute: Attribute { Attribute(name: rawValue) }
}
