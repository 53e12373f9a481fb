/// Work the conversation hands to the outside world. The first two serve conversations without
/// an agent pin (a bare language model); the `agent…` ones carry the pinned agent version and
/// the call so the Agent module can pick the definition, the brain and the tools.
public enum ConversationActivity: Sendable, Equatable, WireCodable {
    /// Ask the language model for the agent's next line.
    case reply(turns: [Turn])
    /// The end-of-call job: summarise the call.
    case summarize(turns: [Turn], digits: String)
    /// Ask the agent's brain for its next line and tool calls.
    case agentReply(AgentCallContext, turns: [Turn])
    /// Run one HTTP tool call. `privateDigits` are the last collected private digits, merged
    /// into the request by the tool runner and never shown to the model.
    case tool(AgentCallContext, ToolInvocation, privateDigits: String)
    /// The agent's end-of-call summary.
    case agentSummary(AgentCallContext, turns: [Turn])
    /// Post the call report to the agent's webhook.
    case webhook(AgentCallContext, CallReport)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .reply(let turns):
            writer.write(byte: 0)
            turns.encode(to: &writer)
        case .summarize(let turns, let digits):
            writer.write(byte: 1)
            turns.encode(to: &writer)
            writer.write(string: digits)
        case .agentReply(let context, let turns):
            writer.write(byte: 2)
            context.encode(to: &writer)
            turns.encode(to: &writer)
        case .tool(let context, let invocation, let digits):
            writer.write(byte: 3)
            context.encode(to: &writer)
            invocation.encode(to: &writer)
            writer.write(string: digits)
        case .agentSummary(let context, let turns):
            writer.write(byte: 4)
            context.encode(to: &writer)
            turns.encode(to: &writer)
        case .webhook(let context, let report):
            writer.write(byte: 5)
            context.encode(to: &writer)
            report.encode(to: &writer)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationActivity") {
        case 0: self = .reply(turns: try reader.read())
        case 1: self = .summarize(turns: try reader.read(), digits: try reader.readString())
        case 2: self = .agentReply(try reader.read(), turns: try reader.read())
        case 3: self = .tool(try reader.read(), try reader.read(), privateDigits: try reader.readString())
        case 4: self = .agentSummary(try reader.read(), turns: try reader.read())
        case 5: self = .webhook(try reader.read(), try reader.read())
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationActivity")
        }
    }
}

/// What those activities return.
public enum ConversationActivityOutput: Sendable, Equatable, WireCodable {
    case reply(String)
    case summary(String)
    /// The brain's answer: words to say (may be empty) and tools to call, in order.
    case agentReply(text: String, calls: [ToolInvocation])
    /// An HTTP tool's response text.
    case toolOutput(String)
    /// The webhook took the report (HTTP status).
    case delivered(status: Int)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .reply(let text):
            writer.write(byte: 0)
            writer.write(string: text)
        case .summary(let text):
            writer.write(byte: 1)
            writer.write(string: text)
        case .agentReply(let text, let calls):
            writer.write(byte: 2)
            writer.write(string: text)
            calls.encode(to: &writer)
        case .toolOutput(let text):
            writer.write(byte: 3)
            writer.write(string: text)
        case .delivered(let status):
            writer.write(byte: 4)
            status.encode(to: &writer)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("ConversationActivityOutput") {
        case 0: self = .reply(try reader.readString())
        case 1: self = .summary(try reader.readString())
        case 2: self = .agentReply(text: try reader.readString(), calls: try reader.read())
        case 3: self = .toolOutput(try reader.readString())
        case 4: self = .delivered(status: try reader.read())
        case let tag: throw reader.unknownTag(UInt64(tag), "ConversationActivityOutput")
        }
    }
}

/// Which agent version handles an activity, and for which call.
public struct AgentCallContext: Sendable, Equatable, WireCodable {
    /// The pinned agent definition's content hash.
    public var version: String
    public var caller: String
    public var callee: String
    /// The conference the agent sits in, if any.
    public var room: String?

    public init(version: String, caller: String, callee: String, room: String? = nil) {
        self.version = version
        self.caller = caller
        self.callee = callee
        self.room = room
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: version)
        writer.write(string: caller)
        writer.write(string: callee)
        room.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        version = try reader.readString("AgentCallContext.version")
        caller = try reader.readString("AgentCallContext.caller")
        callee = try reader.readString("AgentCallContext.callee")
        room = try reader.read()
    }
}

/// The end-of-call report the webhook job posts: why and when the call ended, the summary and
/// the transcript (private digits are never in it).
public struct CallReport: Sendable, Equatable, WireCodable {
    public var reason: EndReason
    public var summary: String?
    public var turns: [Turn]
    public var startedAt: WorkflowTime
    public var endedAt: WorkflowTime

    public init(reason: EndReason, summary: String?, turns: [Turn], startedAt: WorkflowTime, endedAt: WorkflowTime) {
        self.reason = reason
        self.summary = summary
        self.turns = turns
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(byte: reason.rawValue)
        summary.encode(to: &writer)
        turns.encode(to: &writer)
        startedAt.encode(to: &writer)
        endedAt.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let tag = try reader.readByte("CallReport.reason")
        guard let reason = EndReason(rawValue: tag) else { throw reader.unknownTag(UInt64(tag), "EndReason") }
        self.reason = reason
        summary = try reader.read()
        turns = try reader.read()
        startedAt = try reader.read()
        endedAt = try reader.read()
    }
}
