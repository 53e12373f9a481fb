import Foundation
import GRDB

/// Call detail records in SQLite (WAL, through GRDB): one row per call, written by the switch
/// when a call ends, queried by the API and exported as CSV. Timestamps are stored as integer
/// milliseconds since the epoch so ranges sort and compare exactly.
public final class CallRecordStore: Sendable {
    public let path: String
    private let pool: DatabasePool

    public init(path: String) throws(ControlError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw .internalError("opening call records at \(path): \(error)")
        }
    }

    /// Named, append-only migrations: never edit one that has shipped; add a new one after it.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21-call-records") { db in
            try db.execute(sql: """
                CREATE TABLE call_record (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT NOT NULL UNIQUE,
                    from_party TEXT NOT NULL,
                    to_party TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    trunk TEXT,
                    started_at INTEGER NOT NULL,
                    answered_at INTEGER,
                    ended_at INTEGER NOT NULL,
                    disposition TEXT NOT NULL,
                    hangup_cause TEXT,
                    codecs TEXT NOT NULL DEFAULT '',
                    loss_percent REAL,
                    jitter_ms REAL,
                    rtt_ms REAL,
                    mos REAL,
                    conversation_id TEXT,
                    recording_path TEXT
                );
                CREATE INDEX call_record_by_start ON call_record(started_at);
                CREATE INDEX call_record_by_conversation ON call_record(conversation_id);
                """)
        }
        return migrator
    }

    /// Stores a record; returns it with its row id. A second record for the same call id
    /// replaces the first (a call's record may be rewritten once its recording is closed).
    @discardableResult
    public func insert(_ record: CallRecord) async throws(ControlError) -> CallRecord {
        do {
            let id = try await pool.write { db -> Int64 in
                try db.execute(sql: """
                    INSERT INTO call_record (call_id, from_party, to_party, direction, trunk, started_at, answered_at,
                        ended_at, disposition, hangup_cause, codecs, loss_percent, jitter_ms, rtt_ms, mos,
                        conversation_id, recording_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(call_id) DO UPDATE SET
                        from_party = excluded.from_party, to_party = excluded.to_party,
                        direction = excluded.direction, trunk = excluded.trunk, started_at = excluded.started_at,
                        answered_at = excluded.answered_at, ended_at = excluded.ended_at,
                        disposition = excluded.disposition, hangup_cause = excluded.hangup_cause,
                        codecs = excluded.codecs, loss_percent = excluded.loss_percent,
                        jitter_ms = excluded.jitter_ms, rtt_ms = excluded.rtt_ms, mos = excluded.mos,
                        conversation_id = excluded.conversation_id, recording_path = excluded.recording_path
                    """, arguments: Self.arguments(record))
                return try Int64.fetchOne(db, sql: "SELECT id FROM call_record WHERE call_id = ?",
                                          arguments: [record.callID.rawValue]) ?? db.lastInsertedRowID
            }
            var stored = record
            stored.id = id
            return stored
        } catch {
            throw .internalError("writing call record \(record.callID): \(error)")
        }
    }

    public func records(_ query: CallRecordQuery = CallRecordQuery()) async throws(ControlError) -> [CallRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments += [value]
        }
        add("started_at >= ?", query.since.map(Self.milliseconds))
        add("started_at < ?", query.until.map(Self.milliseconds))
        add("instr(lower(from_party), lower(?)) > 0", query.from)
        add("instr(lower(to_party), lower(?)) > 0", query.to)
        add("trunk = ?", query.trunk)
        add("disposition = ?", query.disposition?.rawValue)
        add("direction = ?", query.direction?.rawValue)
        add("conversation_id = ?", query.conversationID)
        add("call_id = ?", query.callID?.rawValue)
        var sql = "SELECT * FROM call_record"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?"
        arguments += [query.limit, query.offset]
        let finalSQL = sql
        let finalArguments = arguments
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.record)
            }
        } catch {
            throw .internalError("reading call records: \(error)")
        }
    }

    /// How many records the store holds.
    public func count() async throws(ControlError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM call_record") ?? 0 }
        } catch {
            throw .internalError("counting call records: \(error)")
        }
    }

    // MARK: Rows

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    private static func arguments(_ record: CallRecord) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            record.callID.rawValue, record.from, record.to, record.direction.rawValue, record.trunk,
            milliseconds(record.startedAt), record.answeredAt.map(milliseconds), milliseconds(record.endedAt),
            record.disposition.rawValue, record.hangupCause, record.codecs.joined(separator: ","),
            record.quality?.lossPercent, record.quality?.jitterMilliseconds, record.quality?.roundTripMilliseconds,
            record.quality?.mos, record.conversationID, record.recordingPath,
        ]
        return StatementArguments(values)
    }

    private static func record(_ row: Row) -> CallRecord {
        let codecs = (row["codecs"] as String? ?? "").split(separator: ",").map(String.init)
        var quality: CallQuality?
        if let loss = row["loss_percent"] as Double?, let jitter = row["jitter_ms"] as Double?,
           let mos = row["mos"] as Double? {
            quality = CallQuality(lossPercent: loss, jitterMilliseconds: jitter, roundTripMilliseconds: row["rtt_ms"],
                                  mos: mos)
        }
        return CallRecord(
            id: row["id"], callID: CallID(row["call_id"] as String? ?? ""), from: row["from_party"] ?? "",
            to: row["to_party"] ?? "",
            direction: CallDirection(rawValue: row["direction"] as String? ?? "") ?? .inbound, trunk: row["trunk"],
            startedAt: date(row["started_at"] ?? 0), answeredAt: (row["answered_at"] as Int64?).map(date),
            endedAt: date(row["ended_at"] ?? 0),
            disposition: CallDisposition(rawValue: row["disposition"] as String? ?? "") ?? .failed,
            hangupCause: row["hangup_cause"], codecs: codecs, quality: quality,
            conversationID: row["conversation_id"], recordingPath: row["recording_path"])
    }
}
