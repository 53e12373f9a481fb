import Foundation

/// The API's one JSON dialect: sorted keys (stable output for tests and diffs) and timestamps
/// as RFC 3339 UTC strings with milliseconds ("2026-11-21T09:30:00.125Z"), so events from the
/// call, the agent and the workflow line up on one time axis in the web page.
public enum ControlJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 timestamp, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value with the API's encoder; encoding our own DTOs cannot fail in practice,
    /// but a failure still becomes a thrown error, never a trap.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }

    /// "2026-11-21T09:30:00.125Z".
    public static func formatTimestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Accepts RFC 3339 timestamps with or without fractional seconds, and plain dates
    /// ("2026-11-21", midnight UTC), which is what people type on a command line.
    public static func parseTimestamp(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard fieldsInRange(trimmed) else { return nil }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) {
            return date
        }
        if let date = try? Date.ISO8601FormatStyle().parse(trimmed) {
            return date
        }
        if trimmed.utf8.count == 10,
           let date = try? Date.ISO8601FormatStyle().year().month().day().parse(trimmed) {
            return date
        }
        return nil
    }

    /// Foundation's parser rolls "25:00" over to the next day; RFC 3339 §5.6 does not allow it.
    private static func fieldsInRange(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let month = number(5..<7), let day = number(8..<10), (1...12).contains(month), (1...31).contains(day)
        else { return false }
        guard bytes.count > 10 else { return true }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return false }
        return hour <= 23 && minute <= 59 && second <= 60
    }
}
