/// A sans-I/O parser for `text/event-stream` (the WHATWG server-sent events format): feed it
/// bytes as they arrive, get back the `data` of each complete event. Lines end in LF, CRLF or
/// CR; `data:` lines accumulate; a blank line ends the event; comments and other fields are
/// skipped. A line longer than `maximumLine` is cut, never buffered without bound.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [String] = []
    private var hasData = false
    private var lastWasCR = false
    public let maximumLine: Int

    public init(maximumLine: Int = 1 << 20) {
        self.maximumLine = maximumLine
    }

    /// Consumes bytes; returns the data of every event they completed, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [String] where Bytes.Element == UInt8 {
        var events: [String] = []
        for byte in bytes {
            if byte == 0x0A, lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = endLine() { events.append(event) }
            } else if line.count < maximumLine {
                line.append(byte)
            }
        }
        return events
    }

    /// The data of an event left unterminated when the stream ended, if any.
    public mutating func finish() -> String? {
        var event = line.isEmpty ? nil : endLine()
        if event == nil, hasData { event = endLine() }
        return event
    }

    private mutating func endLine() -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard hasData else { return nil }
            let event = data.joined(separator: "\n")
            data.removeAll()
            hasData = false
            return event
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        if field == "data" {
            data.append(String(value))
            hasData = true
        }
        return nil
    }
}
