/// Names a workflow instance (for conversations: the call's conversation id).
public struct WorkflowID: Hashable, Comparable, Sendable, WireCodable, ExpressibleByStringLiteral,
    CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public func encode(to writer: inout WireWriter) { writer.write(string: rawValue) }
    public init(from reader: inout WireReader) throws(WireError) { rawValue = try reader.readString("WorkflowID") }
}

/// Names a durable timer inside one workflow. Starting a timer with a name already armed
/// moves it (no event is written for a deadline that merely moved).
public struct TimerID: Hashable, Comparable, Sendable, WireCodable, ExpressibleByStringLiteral,
    CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public func encode(to writer: inout WireWriter) { writer.write(string: rawValue) }
    public init(from reader: inout WireReader) throws(WireError) { rawValue = try reader.readString("TimerID") }
}

/// Names an activity inside one workflow; the workflow picks it so it can match the result.
public struct ActivityID: Hashable, Comparable, Sendable, WireCodable, ExpressibleByStringLiteral,
    CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public func encode(to writer: inout WireWriter) { writer.write(string: rawValue) }
    public init(from reader: inout WireReader) throws(WireError) { rawValue = try reader.readString("ActivityID") }
}

/// Names a cancellation scope (a phase run under a deadline, such as a call's main phase).
public struct ScopeID: Hashable, Comparable, Sendable, WireCodable, ExpressibleByStringLiteral,
    CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public func encode(to writer: inout WireWriter) { writer.write(string: rawValue) }
    public init(from reader: inout WireReader) throws(WireError) { rawValue = try reader.readString("ScopeID") }
}

/// Identifies one accepted update; the engine assigns it from the event's sequence number.
public struct UpdateID: Hashable, Comparable, Sendable, WireCodable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "update-\(rawValue)" }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public func encode(to writer: inout WireWriter) { writer.write(varint: rawValue) }
    public init(from reader: inout WireReader) throws(WireError) { rawValue = try reader.readVarint("UpdateID") }
}
