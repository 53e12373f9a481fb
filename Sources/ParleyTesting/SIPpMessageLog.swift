import Foundation

/// The SIP messages sipp logged with `-trace_msg -message_file PATH`, in order.
///
/// sipp writes each message after a line of dashes and a time stamp, then
/// `UDP message received [N] bytes :` or `UDP message sent (N bytes):`, a blank line and the
/// message text. Tests use this to check what a sipp peer really received (which dialogs got a
/// BYE, what a NOTIFY said) beyond what the scenario itself checks.
public struct SIPpMessageLog: Sendable {
    public struct Message: Sendable, Equatable {
        /// True for messages sipp received, false for those it sent.
        public var received: Bool
        /// The request or status line ("BYE sip:… SIP/2.0", "SIP/2.0 200 OK").
        public var startLine: String
        /// Header lines in order, as (name, value).
        public var headers: [(name: String, value: String)]
        public var body: String

        /// The request method, nil for a response.
        public var method: String? {
            startLine.hasPrefix("SIP/") ? nil : startLine.split(separator: " ").first.map(String.init)
        }

        /// The first value of a header (case-insensitive; compact forms are not expanded).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        public static func == (lhs: Message, rhs: Message) -> Bool {
            lhs.received == rhs.received && lhs.startLine == rhs.startLine && lhs.body == rhs.body
                && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
        }
    }

    public var messages: [Message]

    public init(text: String) {
        var messages: [Message] = []
        let separator = "-----------------------------------------------"
        for chunk in text.components(separatedBy: separator) {
            // "\r\n" is one Character in Swift: split on newline characters, not on "\n".
            let lines = chunk.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            guard let marker = lines.firstIndex(where: { $0.contains("message received") || $0.contains("message sent") }) else {
                continue
            }
            let received = lines[marker].contains("received")
            var index = marker + 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            guard index < lines.count else { continue }
            let startLine = lines[index].trimmingCharacters(in: .whitespaces)
            index += 1
            var headers: [(name: String, value: String)] = []
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                let line = lines[index]
                if let colon = line.firstIndex(of: ":") {
                    headers.append((line[..<colon].trimmingCharacters(in: .whitespaces),
                                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
                index += 1
            }
            let body = index < lines.count ? lines[(index + 1)...].joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines) : ""
            messages.append(Message(received: received, startLine: startLine, headers: headers, body: body))
        }
        self.messages = messages
    }

    /// Reads the file sipp wrote (empty when it does not exist).
    public init(contentsOf url: URL) {
        let text = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        self.init(text: text)
    }

    /// Requests sipp received with this method, in order.
    public func received(_ method: String) -> [Message] {
        messages.filter { $0.received && $0.method?.caseInsensitiveCompare(method) == .orderedSame }
    }
}
