/// A timer the machine has armed. `generation` tells a re-armed timer from its earlier self,
/// so a stale firing is ignored.
public struct PendingTimer: Equatable, Sendable, WireCodable {
    public var fireAt: WorkflowTime
    public var scope: ScopeID?
    public var generation: UInt64

    public func encode(to writer: inout WireWriter) {
        fireAt.encode(to: &writer)
        scope.encode(to: &writer)
        writer.write(varint: generation)
    }

    public init(fireAt: WorkflowTime, scope: ScopeID?, generation: UInt64) {
        self.fireAt = fireAt
        self.scope = scope
        self.generation = generation
    }

    public init(from reader: inout WireReader) throws(WireError) {
        fireAt = try reader.read()
        scope = try reader.read()
        generation = try reader.readVarint("PendingTimer.generation")
    }
}

/// An activity that has been requested and has not produced its final result.
public struct PendingActivity<Activity: WireCodable>: Sendable, WireCodable {
    public var activity: Activity
    public var options: ActivityOptions
    public var scope: ScopeID?
    public var generation: UInt64
    /// When the workflow asked for it (the event's stamp).
    public var scheduledAt: WorkflowTime

    public init(activity: Activity, options: ActivityOptions, scope: ScopeID?, generation: UInt64,
                scheduledAt: WorkflowTime) {
        self.activity = activity
        self.options = options
        self.scope = scope
        self.generation = generation
        self.scheduledAt = scheduledAt
    }

    public func encode(to writer: inout WireWriter) {
        activity.encode(to: &writer)
        options.encode(to: &writer)
        scope.encode(to: &writer)
        writer.write(varint: generation)
        scheduledAt.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        activity = try reader.read()
        options = try reader.read()
        scope = try reader.read()
        generation = try reader.readVarint("PendingActivity.generation")
        scheduledAt = try reader.read()
    }
}

/// Where an instance is in its life.
public enum WorkflowStatus: UInt8, Sendable, Equatable, CustomStringConvertible {
    case running = 0
    case completed = 1
    case failed = 2

    public var description: String {
        switch self {
        case .running: "running"
        case .completed: "completed"
        case .failed: "failed"
        }
    }
}

/// One row of the event table, as written and read back.
public struct LogRecord: Sendable, Equatable {
    public var sequence: UInt64
    public var run: Int
    public var time: WorkflowTime
    public var kind: EventKind
    public var payload: [UInt8]

    public init(sequence: UInt64, run: Int, time: WorkflowTime, kind: EventKind, payload: [UInt8]) {
        self.sequence = sequence
        self.run = run
        self.time = time
        self.kind = kind
        self.payload = payload
    }
}

/// What changes in the workflow's own row in the same transaction as its events.
enum RowChange: Sendable {
    case insert(type: String, version: String, createdAt: WorkflowTime)
    case finish(WorkflowStatus, result: [UInt8], at: WorkflowTime)
    case continued(run: Int, snapshotSequence: UInt64)
}
