/// Why bytes could not be read as RTCP (RFC 3550 §6).
///
/// `kind` is for code to switch on; `detail` carries the offending values for logs. `offset` is
/// where in the input the offending packet starts (0 for the first packet of a compound).
public struct RTCPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Fewer bytes than a header, a fixed part or a counted list needs.
        case tooShort
        /// The version field is not 2 (RFC 3550 §6.4.1).
        case badVersion
        /// The length field runs past the end of the input.
        case badLength
        /// The P bit is set but the padding count is zero or larger than the packet body, or a
        /// packet other than the last of a compound is padded (RFC 3550 §6.4.1).
        case badPadding
        /// The RC/SC count announces more entries than the length holds.
        case badCount
        /// An SDES chunk's items overrun it, or it lacks its terminating null item (§6.5).
        case badItem
        /// A BYE reason runs past the end of the packet (§6.6).
        case badReason
        /// A compound packet that does not start with SR or RR (RFC 3550 §6.1).
        case notCompound
        /// Empty input where at least one packet was expected.
        case empty
    }

    public var kind: Kind
    public var offset: Int
    public var detail: String

    public init(kind: Kind, offset: Int = 0, detail: String) {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    init(_ kind: Kind, at offset: Int = 0, _ detail: String) {
        self.init(kind: kind, offset: offset, detail: detail)
    }

    public var description: String {
        "RTCP \(kind) at byte \(offset): \(detail)"
    }
}

/// The packet types of RFC 3550 §12.1 and the feedback/XR types that share the range.
public enum RTCPPacketType {
    public static let senderReport: UInt8 = 200
    public static let receiverReport: UInt8 = 201
    public static let sourceDescription: UInt8 = 202
    public static let goodbye: UInt8 = 203
    public static let application: UInt8 = 204
    /// RFC 4585 transport-layer feedback (kept raw).
    public static let transportFeedback: UInt8 = 205
    /// RFC 4585 payload-specific feedback (kept raw).
    public static let payloadFeedback: UInt8 = 206
    /// RFC 3611 extended reports (kept raw).
    public static let extendedReport: UInt8 = 207
}
