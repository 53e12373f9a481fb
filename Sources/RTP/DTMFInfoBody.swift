/// The body of a SIP INFO request carrying one key press, as a value that parses and
/// serializes itself.
///
/// Two formats are in use (neither is an RFC; both are de facto):
/// - `application/dtmf-relay` (Cisco): `Signal=5\r\nDuration=160\r\n`, duration in ms. Keys are
///   matched case-insensitively, whitespace around keys and values is ignored, unknown keys are
///   skipped, and `Signal` may also be an event code 10-15 (some gateways send `Signal=10` for
///   `*`). Hook flash (`Signal=!`) is not a digit and is rejected.
/// - `application/dtmf`: the key alone (`5`), optionally surrounded by whitespace; event codes
///   0-15 are accepted too.
///
/// Parsing never traps; bad bodies throw a ``DTMFError``. Bodies over ``maximumSize`` bytes are
/// rejected unread.
public struct DTMFInfoBody: Sendable, Equatable {
    public enum Format: Sendable, Equatable {
        /// `application/dtmf-relay`
        case dtmfRelay
        /// `application/dtmf`
        case dtmf

        /// The Content-Type value.
        public var contentType: String {
            switch self {
            case .dtmfRelay: "application/dtmf-relay"
            case .dtmf: "application/dtmf"
            }
        }
    }

    /// Larger bodies are not DTMF.
    public static let maximumSize = 1024
    /// Longest `Duration` accepted, in ms.
    public static let maximumDurationMs = 600_000

    public var format: Format
    /// Event code 0-15.
    public var event: UInt8
    /// `Duration` in ms (dtmf-relay only; nil when absent).
    public var durationMs: Int?

    public init(format: Format, event: UInt8, durationMs: Int? = nil) {
        self.format = format
        self.event = event
        self.durationMs = durationMs
    }

    /// Parses `body` according to `contentType` (parameters such as `;charset=` are ignored).
    public init(parsing body: [UInt8], contentType: String) throws(DTMFError) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingWhitespace().lowercased() } ?? ""
        let format: Format
        switch mediaType {
        case "application/dtmf-relay": format = .dtmfRelay
        case "application/dtmf": format = .dtmf
        default: throw DTMFError(.unsupportedContentType, "'\(contentType)'")
        }
        guard body.count <= Self.maximumSize else {
            throw DTMFError(.malformedBody, "\(body.count) bytes, limit \(Self.maximumSize)")
        }
        let text = String(decoding: body, as: UTF8.self)
        guard text.utf8.elementsEqual(body) else {
            throw DTMFError(.malformedBody, "not UTF-8")
        }
        switch format {
        case .dtmfRelay: self = try Self.parseRelay(text)
        case .dtmf: self = try Self.parseSingle(text)
        }
    }

    /// The wire body: `Signal=5\r\nDuration=160\r\n` or `5`.
    public func serialized() -> [UInt8] {
        let key = DTMFDigit.character(for: event).map(String.init) ?? String(event)
        switch format {
        case .dtmf:
            return Array(key.utf8)
        case .dtmfRelay:
            var text = "Signal=\(key)\r\n"
            if let durationMs { text += "Duration=\(durationMs)\r\n" }
            return Array(text.utf8)
        }
    }

    /// The press as a digit; `defaultDurationMs` stands in when the body has no duration.
    /// INFO carries no RTP timestamp, so `startTimestamp` is nil.
    public func digit(defaultDurationMs: Int = 250) -> DTMFDigit? {
        let milliseconds = durationMs ?? defaultDurationMs
        return DTMFDigit(
            event: event, duration: milliseconds * 8, clockRate: 8000, startTimestamp: nil, source: .sipInfo
        )
    }

    // MARK: - Parsing

    private static func parseRelay(_ text: String) throws(DTMFError) -> DTMFInfoBody {
        var event: UInt8?
        var duration: Int?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw DTMFError(.malformedBody, "line '\(line)' is not key=value")
            }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            switch key {
            case "signal":
                guard event == nil else { throw DTMFError(.duplicateField, "second Signal '\(value)'") }
                event = try parseKey(value)
            case "duration":
                guard duration == nil else { throw DTMFError(.duplicateField, "second Duration '\(value)'") }
                guard value.utf8.count <= 9, value.allSatisfy(\.isASCIIDigit), let milliseconds = Int(value),
                      milliseconds > 0, milliseconds <= maximumDurationMs else {
                    throw DTMFError(.badDuration, "Duration '\(value)', must be 1...\(maximumDurationMs) ms")
                }
                duration = milliseconds
            default:
                continue
            }
        }
        guard let event else { throw DTMFError(.missingSignal, "no Signal line in \(text.utf8.count) bytes") }
        return DTMFInfoBody(format: .dtmfRelay, event: event, durationMs: duration)
    }

    private static func parseSingle(_ text: String) throws(DTMFError) -> DTMFInfoBody {
        let value = Substring(text).trimmingWhitespace()
        guard !value.isEmpty else { throw DTMFError(.missingSignal, "empty application/dtmf body") }
        return DTMFInfoBody(format: .dtmf, event: try parseKey(value))
    }

    /// A key character or an event code 0-15.
    private static func parseKey(_ value: Substring) throws(DTMFError) -> UInt8 {
        if value.count == 1, let character = value.first, let event = DTMFDigit.event(for: character) {
            return event
        }
        if value.utf8.count <= 2, value.allSatisfy(\.isASCIIDigit), let code = UInt8(value), code <= 15 {
            return code
        }
        throw DTMFError(.unknownDigit, "signal '\(value.prefix(16))'")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        isASCII && isWholeNumber
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and line ends.
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        return self[first...last]
    }
}
