/// Why bytes from the log (or a fixture file) could not be decoded. Decoding never traps:
/// every malformed input ends here with the offset and what was expected.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The input ended before a value was complete.
        case truncated
        /// A varint ran past 10 bytes or overflowed 64 bits.
        case malformedVarint
        /// An enum tag that this version of the type does not know.
        case unknownTag(UInt64)
        /// A string that is not valid UTF-8.
        case invalidUTF8
        /// A value outside the type's range (a negative count, an oversized length).
        case outOfRange(Int64)
        /// Bytes were left after the top-level value.
        case trailingBytes(Int)
    }

    public let reason: Reason
    /// Byte offset in the buffer where decoding failed.
    public let offset: Int
    /// The type being decoded, for the message.
    public let context: String

    public init(_ reason: Reason, offset: Int, context: String) {
        self.reason = reason
        self.offset = offset
        self.context = context
    }

    public var description: String {
        "cannot decode \(context) at byte \(offset): \(reason)"
    }
}
