import Foundation

/// CSV export of call records (RFC 4180: comma-separated, CRLF line ends, fields with commas,
/// quotes or line breaks quoted, quotes doubled). Timestamps are RFC 3339 UTC.
public enum CallRecordCSV {
    public static let header = [
        "call_id", "from", "to", "direction", "trunk", "started_at", "answered_at", "ended_at",
        "billable_seconds", "total_seconds", "disposition", "hangup_cause", "codecs", "loss_percent",
        "jitter_ms", "rtt_ms", "mos", "conversation_id", "recording_path",
    ]

    public static func render(_ records: [CallRecord]) -> String {
        var text = row(header)
        for record in records { text += row(fields(of: record)) }
        return text
    }

    public static func fields(of record: CallRecord) -> [String] {
        [
            record.callID.rawValue, record.from, record.to, record.direction.rawValue, record.trunk ?? "",
            ControlJSON.formatTimestamp(record.startedAt),
            record.answeredAt.map(ControlJSON.formatTimestamp) ?? "",
            ControlJSON.formatTimestamp(record.endedAt),
            number(record.billableSeconds), number(record.totalSeconds), record.disposition.rawValue,
            record.hangupCause ?? "", record.codecs.joined(separator: " "),
            record.quality.map { number($0.lossPercent) } ?? "",
            record.quality.map { number($0.jitterMilliseconds) } ?? "",
            record.quality?.roundTripMilliseconds.map(number) ?? "",
            record.quality.map { number($0.mos) } ?? "",
            record.conversationID ?? "", record.recordingPath ?? "",
        ]
    }

    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    /// Quotes a field when it holds a comma, a quote or a line break, doubling its quotes.
    /// A field starting with `=`, `+`, `-` or `@` gets a leading apostrophe so a spreadsheet
    /// opening the export does not run it as a formula (a caller ID is untrusted input).
    public static func escape(_ field: String) -> String {
        var value = field
        if let first = value.first, "=+-@".contains(first), Double(value) == nil {
            value = "'" + value
        }
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        return String(rounded)
    }
}
