/// A workflow history as a small text file, for recorded-history replay tests checked into the
/// repository and for bug reports. One header line per field, then one line per record:
///
///     parley-workflow-history 1
///     type conversation
///     version agent-hash-1
///     workflow call-1
///     record <seq> <run> <nanoseconds> <kind> <payload hex>
///
/// Parsing never traps: every malformed line is a ``HistoryArchive/ParseError`` with its number.
public struct HistoryArchive: Sendable, Equatable {
    public var type: String
    public var version: String
    public var workflowID: WorkflowID
    public var records: [LogRecord]

    public init(type: String, version: String, workflowID: WorkflowID, records: [LogRecord]) {
        self.type = type
        self.version = version
        self.workflowID = workflowID
        self.records = records
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "history archive line \(line): \(reason)" }
    }

    static let magic = "parley-workflow-history 1"

    public var text: String {
        var lines = [Self.magic, "type \(type)", "version \(version)", "workflow \(workflowID.rawValue)"]
        for record in records {
            lines.append("record \(record.sequence) \(record.run) \(record.time.nanosecondsSinceEpoch) "
                         + "\(record.kind) \(Self.hex(record.payload))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public init(text: String) throws(ParseError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == Self.magic else { throw ParseError(line: 1, reason: "not a workflow history") }
        func header(_ index: Int, _ name: String) throws(ParseError) -> String {
            guard index < lines.count, lines[index].hasPrefix(name + " ") else {
                throw ParseError(line: index + 1, reason: "expected \(name)")
            }
            return String(lines[index].dropFirst(name.count + 1))
        }
        type = try header(1, "type")
        version = try header(2, "version")
        workflowID = WorkflowID(try header(3, "workflow"))
        records = []
        for (index, line) in lines.enumerated().dropFirst(4) where !line.isEmpty {
            records.append(try Self.record(line, number: index + 1))
        }
    }

    private static func record(_ line: String, number: Int) throws(ParseError) -> LogRecord {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "record" else {
            throw ParseError(line: number, reason: "expected: record seq run time kind payload")
        }
        guard let sequence = UInt64(fields[1]), let run = Int(fields[2]), let time = Int64(fields[3]) else {
            throw ParseError(line: number, reason: "bad number")
        }
        guard let kind = EventKind.allCases.first(where: { $0.description == fields[4] }) else {
            throw ParseError(line: number, reason: "unknown kind \(fields[4])")
        }
        guard let payload = unhex(fields[5]) else { throw ParseError(line: number, reason: "bad hex payload") }
        return LogRecord(sequence: sequence, run: run, time: WorkflowTime(nanosecondsSinceEpoch: time),
                         kind: kind, payload: payload)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text.isEmpty ? "-" : text
    }

    public static func unhex(_ text: String) -> [UInt8]? {
        if text == "-" { return [] }
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

extension WorkflowEngine {
    /// An instance's stored history as an archive.
    public func archive(of id: WorkflowID) async throws(WorkflowError) -> HistoryArchive {
        guard let row = try await storedRow(id) else { throw .notFound(id) }
        let records = try await core.store.records(of: id)
        return HistoryArchive(type: W.typeName, version: row.version, workflowID: id, records: records)
    }
}
