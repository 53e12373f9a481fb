import Foundation
import GRDB
import Logging

/// Runs instances of one workflow type on a ``WorkflowStore``: starts them, routes signals,
/// updates and queries to them, runs their activities and timers, hands their effects to the
/// host through ``effects``, and rebuilds them after a restart with ``recover()``.
public final class WorkflowEngine<W: WorkflowDefinition>: Sendable {
    let core: EngineCore<W>
    /// Registered definitions by version; new instances use `current`.
    let definitions: [String: W]
    public let current: W
    /// Effects in commit order, for the host to carry out (speak, transfer, hang up).
    public let effects: AsyncStream<WorkflowEffect<W>>

    /// - Parameters:
    ///   - definitions: every version the engine can run; the first is used for new instances.
    ///     Instances are always replayed with the version they started with.
    ///   - metrics: where the engine counts events and times signals, updates and queries.
    ///   - activities: runs the workflow's activities.
    public init(store: WorkflowStore, definitions: [W], clock: any WorkflowClock = SystemWorkflowClock(),
                logger: Logger = Logger(label: "parley.workflow"), metrics: WorkflowMetrics = .disabled,
                activities: @escaping ActivityHandler<W>) throws(WorkflowError) {
        guard let first = definitions.first else { throw .unknownVersion(type: W.typeName, version: "(none)") }
        let (stream, continuation) = AsyncStream<WorkflowEffect<W>>.makeStream(bufferingPolicy: .unbounded)
        effects = stream
        current = first
        var byVersion: [String: W] = [:]
        for definition in definitions where byVersion[definition.version] == nil {
            byVersion[definition.version] = definition
        }
        self.definitions = byVersion
        core = EngineCore(store: store, clock: clock, activities: activities, effects: continuation, logger: logger,
                          metrics: metrics)
    }

    public convenience init(store: WorkflowStore, definition: W, clock: any WorkflowClock = SystemWorkflowClock(),
                            logger: Logger = Logger(label: "parley.workflow"),
                            activities: @escaping ActivityHandler<W>) throws(WorkflowError) {
        try self.init(store: store, definitions: [definition], clock: clock, logger: logger, activities: activities)
    }

    /// Starts a new instance; returns once its `.started` event is durable.
    @discardableResult
    public func start(_ id: WorkflowID, input: W.Input, version: String? = nil) async throws(WorkflowError) -> WorkflowHandle<W> {
        let definition: W
        if let version {
            guard let chosen = definitions[version] else { throw .unknownVersion(type: W.typeName, version: version) }
            definition = chosen
        } else {
            definition = current
        }
        if try await storedRow(id) != nil { throw .alreadyExists(id) }
        let instance = WorkflowInstance(id: id, key: core.store.allocateKey(),
                                        machine: WorkflowMachine(workflowID: id, definition: definition), core: core)
        let added = core.live.withLock { live -> Bool in
            guard live[id] == nil else { return false }
            live[id] = instance
            return true
        }
        guard added else { throw .alreadyExists(id) }
        do {
            try await instance.submitAndWait(.started(input))
        } catch {
            core.unregister(id)
            throw error
        }
        return WorkflowHandle(engine: self, id: id)
    }

    /// A handle on an instance, live or not; operations on it fail if it is not running.
    public func handle(_ id: WorkflowID) -> WorkflowHandle<W> {
        WorkflowHandle(engine: self, id: id)
    }

    /// Ids of the instances running in memory.
    public var runningIDs: [WorkflowID] {
        core.live.withLock { Array($0.keys) }.sorted()
    }

    /// Waits until no commit is queued and no activity attempt is running: with a manual clock,
    /// everything left is waiting for time to move.
    public func quiesce() async {
        await core.busy.idle()
    }

    /// Ends the effects stream and cancels running activities; call before closing the store.
    public func shutdown() {
        let instances = core.live.withLock { live -> [WorkflowInstance<W>] in
            defer { live.removeAll() }
            return Array(live.values)
        }
        for instance in instances { instance.fail(with: .shutDown) }
        core.effects.finish()
    }

    func liveInstance(_ id: WorkflowID) async throws(WorkflowError) -> WorkflowInstance<W> {
        if let instance = core.instance(id) { return instance }
        if let row = try await storedRow(id) { throw .notRunning(id, row.status) }
        throw .notFound(id)
    }

    struct StoredRow: Sendable {
        var key: Int64
        var status: WorkflowStatus
        var version: String
        var result: [UInt8]?
    }

    func storedRow(_ id: WorkflowID) async throws(WorkflowError) -> StoredRow? {
        do {
            return try await core.store.pool.read { db -> StoredRow? in
                guard let row = try Row.fetchOne(db, sql: "SELECT key, status, version, result FROM workflow WHERE id = ?",
                                                 arguments: [id.rawValue]) else { return nil }
                let status = WorkflowStatus(rawValue: UInt8(clamping: row["status"] as Int)) ?? .failed
                let result = (row["result"] as Data?).map { [UInt8]($0) }
                return StoredRow(key: row["key"], status: status, version: row["version"], result: result)
            }
        } catch {
            throw .storage(String(describing: error))
        }
    }
}

/// One event of a workflow just made durable, with the commands its handling produced, for a
/// host that shows workflows live (the control plane's `workflowEvent` stream). Told on the
/// engine's writer thread, in commit order: observers must return quickly.
public struct CommittedEvent<W: WorkflowDefinition>: Sendable {
    public let workflowID: WorkflowID
    public let sequence: UInt64
    public let event: WorkflowEvent<W>
    public let commands: [WorkflowCommand<W>]
}

extension WorkflowEngine {
    /// Calls `observer` with every event committed from now on (replaces an earlier observer;
    /// nil stops). Replayed history is not reported.
    public func observeCommits(_ observer: (@Sendable (CommittedEvent<W>) -> Void)?) {
        core.commitObserver.withLock { $0 = observer }
    }
}
