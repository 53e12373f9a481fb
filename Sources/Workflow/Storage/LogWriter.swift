import Foundation
import GRDB
import Logging

/// The single writer: a dedicated thread (never the cooperative pool) that drains whatever was
/// queued while the previous commit ran and commits it in one transaction (group commit), then
/// runs each item's completion in queue order. A failed batch is retried item by item so one
/// bad item cannot fail its neighbours.
final class LogWriter: @unchecked Sendable {
    struct Item: Sendable {
        var workflowKey: Int64
        var workflowID: String
        var records: [LogRecord]
        var rowChanges: [RowChange]
        var completion: @Sendable (Result<Void, WorkflowError>) -> Void
    }

    private let pool: DatabasePool
    private let options: WorkflowStore.Options
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Item] = []
    private var stopping = false
    private var stopped = false
    private var thread: Thread?
    private let checkpointer: Checkpointer

    init(pool: DatabasePool, path: String, options: WorkflowStore.Options, logger: Logger) throws {
        self.pool = pool
        self.options = options
        self.logger = logger
        self.checkpointer = try Checkpointer(path: path, logger: logger)
        let thread = Thread { [unowned self] in self.runLoop() }
        thread.name = "parley.workflow.writer"
        thread.qualityOfService = .userInitiated
        self.thread = thread
        thread.start()
    }

    func enqueue(_ item: Item) {
        condition.lock()
        if stopped {
            condition.unlock()
            item.completion(.failure(.shutDown))
            return
        }
        queue.append(item)
        if queue.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// Commits what is queued, stops the thread and checkpoints the WAL into the database.
    func stop() {
        condition.lock()
        if stopping {
            condition.unlock()
            return
        }
        stopping = true
        condition.signal()
        while !stopped { condition.wait() }
        condition.unlock()
        checkpointer.finalCheckpoint()
    }

    private func runLoop() {
        var commitsSinceCheckpoint = 0
        while true {
            spinBriefly()
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch: [Item]
            if queue.count <= options.maximumBatch {
                batch = queue
                queue.removeAll(keepingCapacity: true)
            } else {
                batch = Array(queue.prefix(options.maximumBatch))
                queue.removeFirst(options.maximumBatch)
            }
            condition.unlock()
            commit(batch)
            commitsSinceCheckpoint += 1
            if commitsSinceCheckpoint >= options.checkpointEveryCommits {
                commitsSinceCheckpoint = 0
                checkpointer.request()
            }
        }
    }

    /// After a commit the next event often arrives within tens of microseconds (a caller that
    /// awaited the last one); polling for up to `spinNanoseconds` saves a thread wake-up on that
    /// path. Bounded, and skipped entirely when work is already queued.
    private func spinBriefly() {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<10_000 {
            condition.lock()
            let ready = !queue.isEmpty || stopping
            condition.unlock()
            if ready || DispatchTime.now().uptimeNanoseconds &- start > options.spinNanoseconds { return }
            sched_yield()
        }
    }

    private func commit(_ batch: [Item]) {
        do {
            try pool.writeWithoutTransaction { db in
                // Cached BEGIN/COMMIT statements: preparing them per commit costs ~25% of a
                // one-event commit.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                do {
                    for item in batch { try write(item, db) }
                    try db.cachedStatement(sql: "COMMIT").execute()
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
            for item in batch { item.completion(.success(())) }
        } catch {
            guard batch.count > 1 else {
                logger.error("workflow log write failed", metadata: ["error": "\(error)"])
                batch.first?.completion(.failure(.storage(String(describing: error))))
                return
            }
            for item in batch { commit([item]) }
        }
    }

    private func write(_ item: Item, _ db: Database) throws {
        for change in item.rowChanges where isInsert(change) {
            try apply(change, item, db)
        }
        if !item.records.isEmpty {
            let insert = try db.cachedStatement(sql: """
                INSERT INTO event (workflow, seq, run, at, kind, payload) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for record in item.records {
                try insert.execute(arguments: [
                    item.workflowKey, Int64(bitPattern: record.sequence), record.run,
                    record.time.nanosecondsSinceEpoch, Int(record.kind.rawValue), Data(record.payload),
                ])
            }
        }
        for change in item.rowChanges where !isInsert(change) {
            try apply(change, item, db)
        }
    }

    private func isInsert(_ change: RowChange) -> Bool {
        if case .insert = change { return true }
        return false
    }

    private func apply(_ change: RowChange, _ item: Item, _ db: Database) throws {
        switch change {
        case .insert(let type, let version, let createdAt):
            try db.execute(sql: """
                INSERT INTO workflow (key, id, type, version, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [item.workflowKey, item.workflowID, type, version, createdAt.nanosecondsSinceEpoch])
        case .finish(let status, let result, let at):
            try db.execute(sql: "UPDATE workflow SET status = ?, result = ?, finished_at = ? WHERE key = ?",
                           arguments: [Int(status.rawValue), Data(result), at.nanosecondsSinceEpoch, item.workflowKey])
        case .continued(let run, let snapshotSequence):
            try db.execute(sql: "UPDATE workflow SET run = ?, snapshot_seq = ? WHERE key = ?",
                           arguments: [run, Int64(bitPattern: snapshotSequence), item.workflowKey])
        }
    }
}
