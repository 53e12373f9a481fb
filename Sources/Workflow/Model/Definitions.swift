/// A typed signal: callers send `Input`, the workflow receives its own `Signal` value.
public protocol SignalDefinition: Sendable {
    associatedtype Workflow: WorkflowDefinition
    associatedtype Input: Sendable
    static func signal(_ input: Input) -> Workflow.Signal
}

/// A typed update with a read-only validator. A rejected update writes nothing and the caller
/// gets the rejection; an accepted one is recorded and answered by the reducer.
public protocol UpdateDefinition: Sendable {
    associatedtype Workflow: WorkflowDefinition
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    /// Runs before anything is written, against the current state. Throw to reject.
    static func validate(_ input: Input, state: Workflow.State) throws(UpdateRejection)
    /// The update value recorded in the log.
    static func update(_ input: Input) -> Workflow.Update
    /// Extracts this update's output from the workflow's reply (nil if the reply is another kind).
    static func output(from reply: Workflow.UpdateReply) -> Output?
}

/// A typed query, answered from the in-memory state; it writes nothing.
public protocol QueryDefinition: Sendable {
    associatedtype Workflow: WorkflowDefinition
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    static func answer(_ input: Input, state: Workflow.State) -> Output
}

/// Why a validator refused an update.
public struct UpdateRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "update rejected: \(reason)" }
}

/// Why a workflow refused an accepted update while handling it.
public struct UpdateFailure: Error, Equatable, Sendable, WireCodable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "update failed: \(message)" }
    public func encode(to writer: inout WireWriter) { writer.write(string: message) }
    public init(from reader: inout WireReader) throws(WireError) { message = try reader.readString("UpdateFailure") }
}

/// Why a workflow ended in failure (its own `.fail` command).
public struct WorkflowFailure: Error, Equatable, Sendable, WireCodable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "workflow failed: \(message)" }
    public func encode(to writer: inout WireWriter) { writer.write(string: message) }
    public init(from reader: inout WireReader) throws(WireError) { message = try reader.readString("WorkflowFailure") }
}
