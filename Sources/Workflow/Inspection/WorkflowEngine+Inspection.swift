import Foundation
import GRDB

/// One instance as listed by ``WorkflowStore/list(type:)``.
public struct WorkflowSummary: Sendable, Equatable {
    public var id: WorkflowID
    public var type: String
    public var version: String
    public var status: WorkflowStatus
    public var run: Int
    public var createdAt: WorkflowTime
    public var finishedAt: WorkflowTime?
    public var eventCount: Int
}

/// One history entry, decoded, with the time it was appended.
public struct HistoryEntry<W: WorkflowDefinition>: Sendable {
    public var record: LogRecord
    /// The decoded event; nil for a continue-as-new snapshot record.
    public var event: WorkflowEvent<W>?
    public var sequence: UInt64 { record.sequence }
    public var time: WorkflowTime { record.time }
    public var kind: EventKind { record.kind }
}

extension WorkflowStore {
    /// Every instance in the store, newest first, optionally of one type.
    public func list(type: String? = nil) async throws(WorkflowError) -> [WorkflowSummary] {
        do {
            return try await pool.read { db in
                var sql = """
                    SELECT w.id, w.type, w.version, w.status, w.run, w.created_at, w.finished_at,
                           (SELECT count(*) FROM event e WHERE e.workflow = w.key) AS events
                    FROM workflow w
                    """
                var arguments: StatementArguments = []
                if let type {
                    sql += " WHERE w.type = ?"
                    arguments = [type]
                }
                sql += " ORDER BY w.key DESC"
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    WorkflowSummary(
                        id: WorkflowID(row["id"] as String), type: row["type"], version: row["version"],
                        status: WorkflowStatus(rawValue: UInt8(clamping: row["status"] as Int)) ?? .failed,
                        run: row["run"], createdAt: WorkflowTime(nanosecondsSinceEpoch: row["created_at"]),
                        finishedAt: (row["finished_at"] as Int64?).map { WorkflowTime(nanosecondsSinceEpoch: $0) },
                        eventCount: row["events"])
                }
            }
        } catch {
            throw .storage(String(describing: error))
        }
    }

    /// Every stored record of an instance, all runs, in sequence order.
    public func records(of id: WorkflowID) async throws(WorkflowError) -> [LogRecord] {
        let result: Result<[LogRecord], WorkflowError>
        do {
            result = try await pool.read { db -> Result<[LogRecord], WorkflowError> in
                guard let key = try Int64.fetchOne(db, sql: "SELECT key FROM workflow WHERE id = ?",
                                                   arguments: [id.rawValue]) else { return .failure(.notFound(id)) }
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT workflow, seq, run, at, kind, payload FROM event WHERE workflow = ? ORDER BY seq
                    """, arguments: [key])
                var records: [LogRecord] = []
                while let row = try rows.next() {
                    do throws(WorkflowError) {
                        records.append(try StoredRecords.record(from: row))
                    } catch {
                        return .failure(error)
                    }
                }
                return .success(records)
            }
        } catch {
            throw .storage(String(describing: error))
        }
        return try result.get()
    }
}

extension WorkflowEngine {
    /// An instance's full history (all runs), decoded, with append timestamps.
    public func history(of id: WorkflowID) async throws(WorkflowError) -> [HistoryEntry<W>] {
        let records = try await core.store.records(of: id)
        var entries: [HistoryEntry<W>] = []
        entries.reserveCapacity(records.count)
        for record in records {
            if record.kind == .snapshot {
                entries.append(HistoryEntry(record: record, event: nil))
                continue
            }
            do {
                entries.append(HistoryEntry(record: record, event: try WorkflowEvent(kind: record.kind, payload: record.payload)))
            } catch {
                throw .corruptHistory(id, sequence: record.sequence, detail: error.description)
            }
        }
        return entries
    }

    /// Replays an instance's whole stored history from its first event with the definition
    /// version it started with, without touching the live instance.
    public func replayStored(_ id: WorkflowID) async throws(WorkflowError) -> WorkflowMachine<W> {
        guard let row = try await storedRow(id) else { throw .notFound(id) }
        guard let definition = definitions[row.version] else {
            throw .unknownVersion(type: W.typeName, version: row.version)
        }
        let records = try await core.store.records(of: id)
        return try WorkflowMachine.replaying(records, workflowID: id, definition: definition)
    }

    /// The live instance's machine (state and pending work) as it is now.
    public func liveMachine(_ id: WorkflowID) async throws(WorkflowError) -> WorkflowMachine<W> {
        try await liveInstance(id).machineSnapshot()
    }
}

/// How the store's file is set up, for health checks and tests.
public struct StoreDiagnostics: Sendable, Equatable {
    public var journalMode: String
    /// SQLite's `synchronous` level: 1 NORMAL, 2 FULL.
    public var synchronous: Int
    /// Applied migrations, oldest first.
    public var migrations: [String]
    public var workflowCount: Int
    public var eventCount: Int
}

extension WorkflowStore {
    public func diagnostics() async throws(WorkflowError) -> StoreDiagnostics {
        do {
            let (journal, migrations, workflows, events) = try await pool.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                 try WorkflowMigrations.migrator.appliedIdentifiers(db).sorted(),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM workflow") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0)
            }
            let synchronous = try await pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
            return StoreDiagnostics(journalMode: journal, synchronous: synchronous, migrations: migrations,
                                    workflowCount: workflows, eventCount: events)
        } catch {
            throw .storage(String(describing: error))
        }
    }
}
