import Dispatch
import Foundation
import GRDB
import Logging

/// A failed storage operation, with SQLite's message.
public struct RegistrationStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var message: String

    public var description: String { "\(operation): \(message)" }
}

/// The SQLite file behind a ``LocationService`` (GRDB, WAL, `synchronous=NORMAL`). Writes are
/// queued as "this AOR now has exactly these bindings" and applied by one serial writer: a burst
/// of REGISTERs coalesces per AOR and commits in one transaction, and the caller's thread (the
/// SIP thread) never waits for SQLite. ``flush()`` waits for everything queued, for shutdown.
public final class RegistrationStore: Sendable {
    private struct Pending: Sendable {
        var byAOR: [String: [Binding]] = [:]
        var scheduled = false
        var failure: RegistrationStoreError?
        var transactions = 0
    }

    public let path: String
    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "parley.registrar.writer")
    private let pending = Locked(Pending())
    private let logger: Logger

    public init(path: String, logger: Logger = Logger(label: "parley.registrar")) throws(RegistrationStoreError) {
        self.path = path
        self.logger = logger
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try RegistrationMigrations.migrator.migrate(pool)
        } catch {
            throw RegistrationStoreError(operation: "opening \(path)", message: Self.message(error))
        }
    }

    /// Every stored binding; rows that cannot be read are skipped and logged.
    func loadAll() throws(RegistrationStoreError) -> [Binding] {
        do {
            let rows = try pool.read { db in try Row.fetchAll(db, sql: "SELECT \(Binding.columns) FROM registrations") }
            var bindings: [Binding] = []
            for row in rows {
                guard let binding = Binding(row: row) else {
                    logger.warning("skipping unreadable registration row", metadata: ["row": "\(row)"])
                    continue
                }
                bindings.append(binding)
            }
            return bindings
        } catch {
            throw RegistrationStoreError(operation: "loading registrations", message: Self.message(error))
        }
    }

    /// Queues "`aor` now has exactly `bindings`"; a later call for the same AOR supersedes it.
    func replace(aor: String, with bindings: [Binding]) {
        let schedule = pending.withLock { state -> Bool in
            state.byAOR[aor] = bindings
            guard !state.scheduled else { return false }
            state.scheduled = true
            return true
        }
        if schedule { queue.async { self.drain() } }
    }

    /// Waits until everything queued so far is committed. Throws the first write failure since the
    /// last flush (the failed changes stay queued and are retried here and on the next write).
    public func flush() throws(RegistrationStoreError) {
        queue.sync { drain() }
        let failure = pending.withLock { state -> RegistrationStoreError? in
            defer { state.failure = nil }
            return state.failure
        }
        if let failure { throw failure }
    }

    /// Flushes, then closes the database. The store must not be used afterwards.
    public func close() throws(RegistrationStoreError) {
        try flush()
        do {
            try pool.close()
        } catch {
            throw RegistrationStoreError(operation: "closing \(path)", message: Self.message(error))
        }
    }

    /// Write transactions committed so far (each may carry many AORs).
    public var transactionsCommitted: Int { pending.withLock { $0.transactions } }

    private func drain() {
        let batch = pending.withLock { state -> [String: [Binding]] in
            let batch = state.byAOR
            state.byAOR = [:]
            state.scheduled = false
            return batch
        }
        guard !batch.isEmpty else { return }
        do {
            try pool.write { db in
                for (aor, bindings) in batch {
                    try db.execute(sql: "DELETE FROM registrations WHERE aor = ?", arguments: [aor])
                    for binding in bindings { try db.execute(sql: Binding.insertSQL, arguments: binding.rowArguments) }
                }
            }
            pending.withLock { $0.transactions += 1 }
        } catch {
            let failure = RegistrationStoreError(operation: "writing \(batch.count) AORs", message: Self.message(error))
            logger.error("registration write failed", metadata: ["error": "\(failure)"])
            pending.withLock { state in
                // Keep the failed changes unless newer ones for the same AOR arrived meanwhile.
                for (aor, bindings) in batch where state.byAOR[aor] == nil { state.byAOR[aor] = bindings }
                state.failure = state.failure ?? failure
            }
        }
    }

    private static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return "\(error)"
    }
}

/// The registrar's schema, as named, append-only migrations: never edit a shipped migration, add a
/// new one. `registrations` holds one row per binding; `expires_at` and the timestamps are Unix
/// seconds so bindings survive a restart and expire by wall time.
enum RegistrationMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("registrar-v1-registrations") { db in
            try db.execute(sql: """
                CREATE TABLE registrations (
                    aor TEXT NOT NULL,
                    binding_key TEXT NOT NULL,
                    contact_uri TEXT NOT NULL,
                    display_name TEXT,
                    instance_id TEXT,
                    reg_id INTEGER,
                    q_thousandths INTEGER,
                    expires_at REAL NOT NULL,
                    registered_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    call_id TEXT NOT NULL,
                    cseq INTEGER NOT NULL,
                    received_host TEXT NOT NULL,
                    received_port INTEGER NOT NULL,
                    transport TEXT NOT NULL,
                    user_agent TEXT,
                    PRIMARY KEY (aor, binding_key)
                );
                CREATE INDEX registrations_expires_at ON registrations(expires_at);
                """)
        }
        return migrator
    }
}
