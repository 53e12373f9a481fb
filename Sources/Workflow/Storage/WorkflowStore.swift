import Foundation
import GRDB
import Logging

/// The SQLite file behind one or more engines: WAL journal, `synchronous=NORMAL` by default
/// (a killed process loses nothing committed; only power loss can drop the last commits), one
/// writer thread with group commit, and checkpoints on their own connection so no commit waits
/// for one. Engines of different workflow types may share a store.
public final class WorkflowStore: Sendable {
    public struct Options: Sendable {
        /// `FULL` makes each commit survive power loss, at one fsync per group commit.
        public var fullSync: Bool
        /// Run a passive checkpoint after this many commits.
        public var checkpointEveryCommits: Int
        /// Most events committed in one transaction.
        public var maximumBatch: Int
        /// How long the writer polls for more work after a commit before it sleeps (0: never).
        public var spinNanoseconds: UInt64

        public init(fullSync: Bool = false, checkpointEveryCommits: Int = 256, maximumBatch: Int = 4096,
                    spinNanoseconds: UInt64 = 50_000) {
            self.fullSync = fullSync
            self.checkpointEveryCommits = checkpointEveryCommits
            self.maximumBatch = maximumBatch
            self.spinNanoseconds = spinNanoseconds
        }
    }

    public let path: String
    let pool: DatabasePool
    let writer: LogWriter
    private let keys: Locked<Int64>
    let logger: Logger

    public init(path: String, options: Options = Options(), logger: Logger = Logger(label: "parley.workflow")) throws {
        self.path = path
        self.logger = logger
        var configuration = Configuration()
        let synchronous = options.fullSync ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // Checkpoints happen on the checkpointer's connection, never inside a commit.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL when it enables WAL, after `prepareDatabase`: set ours again on
            // the writer connection, the only one that commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            try WorkflowMigrations.migrator.migrate(pool)
            let maxKey = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(key) FROM workflow") } ?? 0
            keys = Locked(maxKey)
            writer = try LogWriter(pool: pool, path: path, options: options, logger: logger)
        } catch let error as DatabaseError {
            throw WorkflowError.storage("opening \(path): \(error.message ?? error.description)")
        }
    }

    /// Stops the writer after it committed everything queued, and checkpoints.
    public func close() {
        writer.stop()
    }

    deinit {
        writer.stop()
    }

    func allocateKey() -> Int64 {
        keys.withLock { key in
            key += 1
            return key
        }
    }

    /// Queues records for the writer; `completion` runs on the writer thread after the commit.
    func append(_ item: LogWriter.Item) {
        writer.enqueue(item)
    }

    /// Resolves when everything queued so far is committed.
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writer.enqueue(LogWriter.Item(workflowKey: 0, workflowID: "", records: [], rowChanges: []) { _ in
                continuation.resume()
            })
        }
    }
}
