/// Why a digit could not be sent or a SIP INFO DTMF body could not be read.
///
/// `kind` is for code to switch on; `detail` carries the offending value for logs.
public struct DTMFError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not one of `0`-`9`, `*`, `#`, `A`-`D` (or event codes 0-15 where numbers are allowed).
        case unknownDigit
        /// A duration that is not a positive whole number of milliseconds within limits.
        case badDuration
        /// An INFO body whose content type is neither `application/dtmf-relay` nor
        /// `application/dtmf`.
        case unsupportedContentType
        /// Not UTF-8, too long, or a line that is not `key=value`.
        case malformedBody
        /// No `Signal=` line (dtmf-relay) or an empty body (dtmf).
        case missingSignal
        /// A field given twice (dtmf-relay).
        case duplicateField
        /// The sender's queue of digits is full.
        case queueFull
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
        "DTMF \(kind): \(detail)"
    }
}
