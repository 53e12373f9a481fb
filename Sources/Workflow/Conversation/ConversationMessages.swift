/// Who said a turn.
public enum Speaker: UInt8, Sendable, Equatable {
    case user = 0
    case agent = 1
}

/// One line of the conversation as the workflow remembers it.
public struct Turn: Sendable, Equatable, WireCodable {
    public var speaker: Speaker
    public var text: String
    public var at: WorkflowTime
    /// The caller barged in; `text` is what they actually heard.
    public var interrupted: Bool

    public init(speaker: Speaker, text: String, at: WorkflowTime, interrupted: Bool = false) {
        self.speaker = speaker
        self.text = text
        self.at = at
        self.interrupted = interrupted
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(byte: speaker.rawValue)
        writer.write(string: text)
        at.encode(to: &writer)
        writer.write(bool: interrupted)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let tag = try reader.readByte("Turn.speaker")
        guard let speaker = Speaker(rawValue: tag) else { throw reader.unknownTag(UInt64(tag), "Speaker") }
        self.speaker = speaker
        text = try reader.readString("Turn.text")
        at = try reader.read()
        interrupted = try reader.readBool()
    }
}

/// Who the call is with; travels with the conversation.
public struct ConversationInput: Sendable, Equatable, WireCodable {
    public var caller: String
    public var callee: String

    public init(caller: String, callee: String) {
        self.caller = caller
        self.callee = callee
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: caller)
        writer.write(string: callee)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        caller = try reader.readString("ConversationInput.caller")
        callee = try reader.readString("ConversationInput.callee")
    }
}

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
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationSignal") {
        case 0: self = .transcript(try reader.readString(), isFinal: try reader.readBool())
        case 1: self = .dtmf(try reader.readString())
        case 2: self = .hangUp
        case 3: self = .bargeIn(heard: try reader.readString())
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
    case transfer(target: String)
}

/// Work the conversation hands to the outside world.
public enum ConversationActivity: Sendable, Equatable, WireCodable {
    /// Ask the language model for the agent's next line.
    case reply(turns: [Turn])
    /// The end-of-call job: summarise the call.
    case summarize(turns: [Turn], digits: String)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .reply(let turns):
            writer.write(byte: 0)
            turns.encode(to: &writer)
        case .summarize(let turns, let digits):
            writer.write(byte: 1)
            turns.encode(to: &writer)
            writer.write(string: digits)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationActivity") {
        case 0: self = .reply(turns: try reader.read())
        case 1: self = .summarize(turns: try reader.read(), digits: try reader.readString())
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationActivity")
        }
    }
}

/// What those activities return.
public enum ConversationActivityOutput: Sendable, Equatable, WireCodable {
    case reply(String)
    case summary(String)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .reply(let text):
            writer.write(byte: 0)
            writer.write(string: text)
        case .summary(let text):
            writer.write(byte: 1)
            writer.write(string: text)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationActivityOutput") {
        case 0: self = .reply(try reader.readString())
        case 1: self = .summary(try reader.readString())
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationActivityOutput")
        }
    }
}
