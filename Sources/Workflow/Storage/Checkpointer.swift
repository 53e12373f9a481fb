import Dispatch
import GRDB
import Logging

/// Moves WAL pages into the database file on its own connection and queue, so commits never
/// pay for a checkpoint (with `wal_autocheckpoint = 0` on the writer). Passive checkpoints
/// never block the writer.
final class Checkpointer: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "parley.workflow.checkpoint", qos: .utility)
    private let busy = Locked(false)
    private let logger: Logger

    init(path: String, logger: Logger) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.logger = logger
    }

    /// Starts a passive checkpoint unless one is already running.
    func request() {
        let start = busy.withLock { running -> Bool in
            if running { return false }
            running = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            do {
                try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            } catch {
                logger.warning("workflow log checkpoint failed", metadata: ["error": "\(error)"])
            }
            busy.withLock { $0 = false }
        }
    }

    /// Folds the whole WAL back at shutdown.
    func finalCheckpoint() {
        queue.sync {
            do {
                try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            } catch {
                logger.debug("final workflow log checkpoint skipped", metadata: ["error": "\(error)"])
            }
        }
    }
}
