/// Why bytes could not be read as RTP (or as an RFC 4733 telephone event).
///
/// `kind` is for code to switch on; `detail` carries the offending values for logs.
public struct RTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Fewer bytes than the fixed header (or a telephone-event block) needs.
        case tooShort
        /// The version field is not 2 (RFC 3550 §5.1).
        case badVersion
        /// The CSRC list the CC field announces runs past the end of the packet.
        case badCSRCCount
        /// The extension header or the data its length field announces runs past the end.
        case badExtension
        /// The P bit is set but the padding count is zero or larger than what follows the header.
        case badPadding
    }

    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    init(_ kind: Kind, _ detail: String) {
        self.init(kind: kind, detail: detail)
    }

    public var description: String {
        "RTP \(kind): \(detail)"
    }
}
