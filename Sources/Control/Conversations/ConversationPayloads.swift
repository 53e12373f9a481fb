/// A signal to a conversation, as sent to `POST /conversations/{id}/signals` and shown in its
/// history: `{"type": "transcript", "text": "hello", "isFinal": true}`, `{"type": "dtmf",
/// "digit": "5"}`, `{"type": "hangUp"}`, `{"type": "bargeIn", "heard": "Your balance"}`,
/// `{"type": "spoken"}` (the agent's lines have all been played out),
/// `{"type": "toolResult", "id": "t1", "ok": true, "detail": "transferred"}` (the host's answer
/// to a call action the agent asked for), `{"type": "conference", "room": "sales"}` (the agent
/// joined a conference; `null`: it left).
public enum SignalPayload: Codable, Sendable, Equatable {
    case transcript(text: String, isFinal: Bool)
    case dtmf(digit: String)
    case hangUp
    case bargeIn(heard: String)
    case toolResult(id: String, ok: Bool, detail: String)
    case conference(room: String?)
    case spoken

    /// Shown in place of digits the conversation keeps private.
    public static let redactedDigit = "•"

    private enum CodingKeys: String, CodingKey { case type, text, isFinal, digit, heard, id, ok, detail, room }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "transcript":
            self = .transcript(text: try container.decode(String.self, forKey: .text),
                               isFinal: try container.decodeIfPresent(Bool.self, forKey: .isFinal) ?? true)
        case "dtmf": self = .dtmf(digit: try container.decode(String.self, forKey: .digit))
        case "hangUp": self = .hangUp
        case "spoken": self = .spoken
        case "bargeIn": self = .bargeIn(heard: try container.decode(String.self, forKey: .heard))
        case "toolResult":
            self = .toolResult(id: try container.decode(String.self, forKey: .id),
                               ok: try container.decode(Bool.self, forKey: .ok),
                               detail: try container.decodeIfPresent(String.self, forKey: .detail) ?? "")
        case "conference": self = .conference(room: try container.decodeIfPresent(String.self, forKey: .room))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown signal type \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .transcript(let text, let isFinal):
            try container.encode("transcript", forKey: .type)
            try container.encode(text, forKey: .text)
            try container.encode(isFinal, forKey: .isFinal)
        case .dtmf(let digit):
            try container.encode("dtmf", forKey: .type)
            try container.encode(digit, forKey: .digit)
        case .hangUp:
            try container.encode("hangUp", forKey: .type)
        case .spoken:
            try container.encode("spoken", forKey: .type)
        case .bargeIn(let heard):
            try container.encode("bargeIn", forKey: .type)
            try container.encode(heard, forKey: .heard)
        case .toolResult(let id, let ok, let detail):
            try container.encode("toolResult", forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(ok, forKey: .ok)
            try container.encode(detail, forKey: .detail)
        case .conference(let room):
            try container.encode("conference", forKey: .type)
            try container.encode(room, forKey: .room)
        }
    }

    public func validated() throws(ControlError) -> SignalPayload {
        switch self {
        case .transcript(let text, _):
            guard text.utf8.count <= 8_000 else { throw .badRequest("\"text\" is longer than 8000 bytes") }
        case .dtmf(let digit):
            guard digit.count == 1, let character = digit.uppercased().first,
                  DTMFRequest.allowedDigits.contains(character) else {
                throw .badRequest("\"digit\" must be one of 0-9 * # A-D")
            }
            return .dtmf(digit: digit.uppercased())
        case .bargeIn(let heard):
            guard heard.utf8.count <= 8_000 else { throw .badRequest("\"heard\" is longer than 8000 bytes") }
        case .toolResult(let id, _, let detail):
            guard !id.isEmpty, detail.utf8.count <= 8_000 else {
                throw .badRequest("\"id\" must be a tool call id and \"detail\" at most 8000 bytes")
            }
        case .conference(let room):
            if let room, room.isEmpty || room.contains(where: \.isWhitespace) {
                throw .badRequest("\"room\" must be a room name without spaces, or null")
            }
        case .hangUp, .spoken:
            break
        }
        return self
    }
}

/// An update to a conversation (`POST /conversations/{id}/updates`): `{"type": "say", "text":
/// ...}`, `{"type": "transfer", "target": "1001"}`, `{"type": "ask", "question": ...}`.
public enum UpdatePayload: Codable, Sendable, Equatable {
    case say(text: String)
    case transfer(target: String)
    case ask(question: String)

    private enum CodingKeys: String, CodingKey { case type, text, target, question }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "say": self = .say(text: try container.decode(String.self, forKey: .text))
        case "transfer": self = .transfer(target: try container.decode(String.self, forKey: .target))
        case "ask": self = .ask(question: try container.decode(String.self, forKey: .question))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown update type \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .say(let text):
            try container.encode("say", forKey: .type)
            try container.encode(text, forKey: .text)
        case .transfer(let target):
            try container.encode("transfer", forKey: .type)
            try container.encode(target, forKey: .target)
        case .ask(let question):
            try container.encode("ask", forKey: .type)
            try container.encode(question, forKey: .question)
        }
    }
}

/// What an accepted update answered: `{"type": "said", "turn": 3}`, `{"type": "transferring",
/// "target": "1001"}`, `{"type": "answered", "text": ...}`.
public enum UpdateResultPayload: Codable, Sendable, Equatable {
    case said(turn: Int)
    case transferring(target: String)
    case answered(text: String)

    private enum CodingKeys: String, CodingKey { case type, turn, target, text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "said": self = .said(turn: try container.decode(Int.self, forKey: .turn))
        case "transferring": self = .transferring(target: try container.decode(String.self, forKey: .target))
        case "answered": self = .answered(text: try container.decode(String.self, forKey: .text))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown update result \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .said(let turn):
            try container.encode("said", forKey: .type)
            try container.encode(turn, forKey: .turn)
        case .transferring(let target):
            try container.encode("transferring", forKey: .type)
            try container.encode(target, forKey: .target)
        case .answered(let text):
            try container.encode("answered", forKey: .type)
            try container.encode(text, forKey: .text)
        }
    }
}

/// The queries a conversation answers (`GET /conversations/{id}/queries/{name}`).
public enum QueryName: String, Codable, Sendable, Equatable, CaseIterable {
    /// The transcript so far.
    case turns
    /// The DTMF digits collected so far.
    case digits
    /// The phase and, once ending, why.
    case status
    /// Everything the conversation remembers.
    case state
    /// The call action the conversation waits on (a host re-attaching after a restart redoes it).
    case pendingAction
}
