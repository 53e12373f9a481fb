/// Turns a byte stream into messages, whatever way it is split into chunks. Comments (lines
/// starting with ":") and `retry:` are skipped; a blank line ends a message; a message with no
/// `data` line is not dispatched (as in the spec).
public struct EventStreamParser: Sendable {
    private var pending: [UInt8] = []
    private var event: String?
    private var data: [String] = []
    private var id: String?
    private var sawCarriageReturn = false
    /// Longest line kept; a longer one is cut (a misbehaving server cannot exhaust memory).
    public static let maximumLineLength = 1 << 20

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [EventStreamMessage] {
        var messages: [EventStreamMessage] = []
        for byte in bytes {
            if sawCarriageReturn {
                sawCarriageReturn = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            switch byte {
            case 0x0A:
                if let message = line() { messages.append(message) }
            case 0x0D:
                sawCarriageReturn = true
                if let message = line() { messages.append(message) }
            default:
                if pending.count < Self.maximumLineLength { pending.append(byte) }
            }
        }
        return messages
    }

    /// Handles the line in `pending`; returns a message when the line was blank.
    private mutating func line() -> EventStreamMessage? {
        defer { pending.removeAll(keepingCapacity: true) }
        if pending.isEmpty {
            defer {
                event = nil
                data = []
            }
            guard !data.isEmpty else { return nil }
            return EventStreamMessage(event: event ?? "message", data: data.joined(separator: "\n"), id: id)
        }
        let text = String(decoding: pending, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event": event = String(value)
        case "data": data.append(String(value))
        case "id": id = String(value)
        default: break
        }
        return nil
    }
}
