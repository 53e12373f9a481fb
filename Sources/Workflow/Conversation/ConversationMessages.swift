/// What the call side tells the conversation.
public enum ConversationSignal: Sendable, Equatable, WireCodable {
    /// Speech recognised; only final transcripts start a reply, partial ones show the caller is
    /// still there.
    case transcript(String, isFinal: Bool)
    case dtmf(String)
    /// The caller hung up.
    case hangUp
    /// The caller spoke over the agent; `heard` is the part of the agent's last turn they heard.
    case bargeIn(heard: String)
    /// The host carried out (or failed) the call action ``ToolInvocation`` `id`.
    case toolResult(id: String, ok: Bool, detail: String)
    /// The agent now sits in this conference room (nil: it left); there it answers only when
    /// addressed by name, if the agent has one.
    case conference(room: String?)
    /// Everything the agent had to say has been played to the caller: the idle wait starts now
    /// (not when the line was queued, which would count the agent's own talking as silence).
    case spoken

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .transcript(let text, let isFinal):
            writer.write(byte: 0)
            writer.write(string: text)
            writer.write(bool: isFinal)
        case .dtmf(let digit):
            writer.write(byte: 1)
            writer.write(string: digit)
        case .hangUp:
            writer.write(byte: 2)
        case .bargeIn(let heard):
            writer.write(byte: 3)
            writer.write(string: heard)
        case .toolResult(let id, let ok, let detail):
            writer.write(byte: 4)
            writer.write(string: id)
            writer.write(bool: ok)
            writer.write(string: detail)
        case .conference(let room):
            writer.write(byte: 5)
            room.encode(to: &writer)
        case .spoken:
            writer.write(byte: 6)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationSignal") {
        case 0: self = .transcript(try reader.readString(), isFinal: try reader.readBool())
        case 1: self = .dtmf(try reader.readString())
        case 2: self = .hangUp
        case 3: self = .bargeIn(heard: try reader.readString())
        case 4: self = .toolResult(id: try reader.readString(), ok: try reader.readBool(), detail: try reader.readString())
        case 5: self = .conference(room: try reader.read())
        case 6: self = .spoken
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationSignal")
        }
    }
}

/// Requests from outside the call (an operator, the control API) that need an answer.
public enum ConversationUpdate: Sendable, Equatable, WireCodable {
    /// Make the agent say a line now.
    case say(String)
    /// Hand the call to someone else; the conversation then ends.
    case transfer(String)
    /// Put a question to the agent as if the caller asked it; answered with the agent's spoken
    /// reply once the language model has produced it (a long-running update).
    case ask(String)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .say(let text):
            writer.write(byte: 0)
            writer.write(string: text)
        case .transfer(let target):
            writer.write(byte: 1)
            writer.write(string: target)
        case .ask(let question):
            writer.write(byte: 2)
            writer.write(string: question)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationUpdate") {
        case 0: self = .say(try reader.readString())
        case 1: self = .transfer(try reader.readString())
        case 2: self = .ask(try reader.readString())
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationUpdate")
        }
    }
}

/// The conversation's answers to updates.
public enum ConversationReply: Sendable, Equatable {
    /// The line was queued to be spoken as turn number `turn`.
    case said(turn: Int)
    case transferring(String)
    /// The agent's reply to an `ask`.
    case answered(String)
}

/// What the call side is asked to do. No telephony types: the host maps these onto the call.
public enum ConversationEffect: Sendable, Equatable {
    case speak(String)
    case hangUp
    /// A blind transfer an operator asked for (``Conversation/Transfer``); no result expected.
    case transfer(target: String)
    /// A call action the agent chose (transfer, hold, resume, send DTMF, join a conference).
    /// The host carries it out and answers with ``ConversationSignal/toolResult(id:ok:detail:)``.
    case action(ToolInvocation)
}
