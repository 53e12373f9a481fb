/// A point in time as the engine sees it: nanoseconds since the Unix epoch. Every event is
/// stamped with one when it is appended, and the reducer reads "now" only from that stamp,
/// so a replay sees exactly the times the live run saw.
public struct WorkflowTime: Hashable, Comparable, Sendable, WireCodable, CustomStringConvertible {
    public let nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public static func seconds(_ seconds: Int64) -> WorkflowTime {
        WorkflowTime(nanosecondsSinceEpoch: seconds &* 1_000_000_000)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public static func + (lhs: Self, rhs: Duration) -> Self {
        WorkflowTime(nanosecondsSinceEpoch: lhs.nanosecondsSinceEpoch &+ rhs.nanoseconds)
    }

    public static func - (lhs: Self, rhs: Self) -> Duration {
        .nanoseconds(lhs.nanosecondsSinceEpoch &- rhs.nanosecondsSinceEpoch)
    }

    /// Milliseconds since the epoch, for display and APIs.
    public var milliseconds: Int64 { nanosecondsSinceEpoch / 1_000_000 }

    public var description: String {
        let ms = nanosecondsSinceEpoch / 1_000_000
        return "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))s"
    }

    public func encode(to writer: inout WireWriter) { writer.write(signed: nanosecondsSinceEpoch) }
    public init(from reader: inout WireReader) throws(WireError) {
        nanosecondsSinceEpoch = try reader.readSigned("WorkflowTime")
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
