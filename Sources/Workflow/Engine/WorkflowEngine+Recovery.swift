import Foundation
import GRDB

/// What ``WorkflowEngine/recover()`` did.
public struct RecoveryReport: Sendable {
    public var recovered: [WorkflowID] = []
    /// Instances that could not be rebuilt (unknown version, corrupt history); they stay in the
    /// store untouched.
    public var failed: [(WorkflowID, WorkflowError)] = []
    /// Records read and replayed (from each run's snapshot on).
    public var recordsReplayed = 0
}

extension WorkflowEngine {
    /// Rebuilds every running instance of this type from the store: replays each from its
    /// current run's snapshot with the definition version it started with, then re-arms its
    /// timers (one whose time passed while down fires at once) and re-runs unfinished
    /// activities. Instances already live are left alone.
    public func recover() async throws(WorkflowError) -> RecoveryReport {
        let definitions = self.definitions
        let liveIDs = Set(runningIDs)
        let loaded: ([(Int64, WorkflowMachine<W>)], RecoveryReport)
        do {
            loaded = try await core.store.pool.read { db in
                try Self.load(db, definitions: definitions, skipping: liveIDs)
            }
        } catch let error as WorkflowError {
            throw error
        } catch {
            throw .storage(String(describing: error))
        }
        let (machines, report) = loaded
        var instances: [WorkflowInstance<W>] = []
        instances.reserveCapacity(machines.count)
        core.live.withLock { live in
            for (key, machine) in machines where live[machine.workflowID] == nil {
                let instance = WorkflowInstance(id: machine.workflowID, key: key, machine: machine, core: core)
                live[machine.workflowID] = instance
                instances.append(instance)
            }
        }
        for instance in instances { instance.resume() }
        core.logger.info("workflows recovered", metadata: [
            "type": "\(W.typeName)", "count": "\(report.recovered.count)",
            "failed": "\(report.failed.count)", "records": "\(report.recordsReplayed)",
        ])
        return report
    }

    private static func load(_ db: Database, definitions: [String: W],
                             skipping liveIDs: Set<WorkflowID>) throws -> ([(Int64, WorkflowMachine<W>)], RecoveryReport) {
        var report = RecoveryReport()
        var machines: [(Int64, WorkflowMachine<W>)] = []
        var rows: [Int64: (WorkflowID, String)] = [:]
        let headers = try Row.fetchCursor(db, sql: "SELECT key, id, version FROM workflow WHERE type = ? AND status = 0",
                                          arguments: [W.typeName])
        while let row = try headers.next() {
            let id = WorkflowID(row["id"] as String)
            if !liveIDs.contains(id) { rows[row["key"]] = (id, row["version"]) }
        }
        let events = try Row.fetchCursor(db, sql: """
            SELECT e.workflow, e.seq, e.run, e.at, e.kind, e.payload FROM workflow w
            JOIN event e ON e.workflow = w.key AND e.seq >= w.snapshot_seq
            WHERE w.type = ? AND w.status = 0 ORDER BY e.workflow, e.seq
            """, arguments: [W.typeName])
        var currentKey: Int64 = -1
        var machine: WorkflowMachine<W>?
        var poisoned = false
        func close() {
            guard let finished = machine, !poisoned else { return }
            machines.append((currentKey, finished))
            report.recovered.append(finished.workflowID)
        }
        while let row = try events.next() {
            let key: Int64 = row[0]
            if key != currentKey {
                close()
                currentKey = key
                machine = nil
                poisoned = false
                guard let (id, version) = rows[key] else { continue }
                guard let definition = definitions[version] else {
                    report.failed.append((id, .unknownVersion(type: W.typeName, version: version)))
                    poisoned = true
                    continue
                }
                machine = WorkflowMachine(workflowID: id, definition: definition)
            }
            guard !poisoned, machine != nil else { continue }
            do {
                try machine?.replay(StoredRecords.record(from: row))
                report.recordsReplayed += 1
            } catch {
                report.failed.append((machine?.workflowID ?? "?", error))
                poisoned = true
            }
        }
        close()
        return (machines, report)
    }
}

/// Reading event rows back into ``LogRecord`` values.
enum StoredRecords {
    /// Columns: any, seq, run, at, kind, payload (indexes 1...5).
    static func record(from row: Row) throws(WorkflowError) -> LogRecord {
        let sequence = UInt64(bitPattern: row[1] as Int64)
        let kindValue = row[4] as Int
        guard let kind = EventKind(rawValue: UInt8(clamping: kindValue)), kindValue >= 0, kindValue <= 255 else {
            throw .corruptHistory("?", sequence: sequence, detail: "unknown event kind \(kindValue)")
        }
        let payload = (row[5] as Data?).map { [UInt8]($0) } ?? []
        return LogRecord(sequence: sequence, run: row[2], time: WorkflowTime(nanosecondsSinceEpoch: row[3]),
                         kind: kind, payload: payload)
    }
}
