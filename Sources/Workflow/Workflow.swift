/// # Workflow
///
/// Parley's durable workflow engine: every conversation's logic runs as a deterministic state
/// machine over an append-only event log kept in SQLite (WAL, one writer thread with group
/// commit). A definition supplies typed state and events and a pure
/// `reduce(state, event, context) -> [command]`; the engine stamps events with its own clock,
/// makes each one durable before running its commands (timers, activities with retry policies,
/// update answers, effects for the host), and rebuilds every running workflow by replay after a
/// crash. Signals, updates (validated before anything is written) and queries are typed
/// definitions, never string-keyed handlers.
///
/// This module owns the log, the engine and the conversation workflow's logic. It knows nothing
/// of SIP, RTP or audio: conversations talk to the call through typed effects (speak, transfer,
/// hang up) that the host carries out.
public protocol WorkflowDefinition: Sendable {
    /// What the workflow is started with.
    associatedtype Input: WireCodable
    /// Everything the workflow remembers. Equal histories must give byte-equal encodings.
    associatedtype State: WireCodable & Equatable
    /// Fire-and-forget messages, handled in arrival order.
    associatedtype Signal: WireCodable
    /// Requests that are validated, recorded, and answered.
    associatedtype Update: WireCodable
    /// What the workflow answers an update with.
    associatedtype UpdateReply: Sendable
    /// Work with side effects the engine runs (and retries) outside the reducer.
    associatedtype Activity: WireCodable
    /// What an activity returns; recorded in the log so replays never rerun finished work.
    associatedtype ActivityOutput: WireCodable
    /// What the host is asked to do (for conversations: speak, transfer, hang up).
    associatedtype Effect: Sendable
    /// The completed workflow's result.
    associatedtype Result: WireCodable

    /// The type's stable name, stored with every instance ("conversation").
    static var typeName: String { get }

    /// The version this definition's logic was built from. Each instance records the version it
    /// started with and is always replayed with a definition of that same version; for
    /// conversations it is the agent definition's content hash.
    var version: String { get }

    /// The state before the first event.
    func initialState(input: Input) -> State

    /// The whole logic: fold one event into the state and say what to do next. Must be a pure
    /// function of its arguments: time and randomness come from `context`, never from the system.
    func reduce(state: inout State, event: WorkflowEvent<Self>, context: inout WorkflowContext) -> [WorkflowCommand<Self>]
}

/// What the engine hands the reducer besides the event: the event's recorded time, a random
/// generator seeded from the workflow id and the event's sequence number, and the history size.
public struct WorkflowContext: Sendable {
    public let workflowID: WorkflowID
    /// When the event was appended (replays see the recorded stamp).
    public let now: WorkflowTime
    /// The event's sequence number within the workflow (all runs together).
    public let sequence: UInt64
    /// Events in the current run, including this one; a hint for continue-as-new.
    public let historyLength: Int
    /// Deterministic randomness for this event.
    public var random: DeterministicRandom

    public init(workflowID: WorkflowID, now: WorkflowTime, sequence: UInt64, historyLength: Int) {
        self.workflowID = workflowID
        self.now = now
        self.sequence = sequence
        self.historyLength = historyLength
        self.random = DeterministicRandom(workflowID: workflowID, sequence: sequence)
    }
}

/// SplitMix64 seeded by FNV-1a of the workflow id and the event sequence: the same history
/// draws the same numbers in every process (Swift's `Hasher` is seeded per process).
public struct DeterministicRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(workflowID: WorkflowID, sequence: UInt64) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in workflowID.rawValue.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        state = hash ^ (sequence &* 0x9E37_79B9_7F4A_7C15)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
