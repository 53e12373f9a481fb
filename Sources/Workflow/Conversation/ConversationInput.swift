/// Who the call is with, and (for calls answered by a built-in agent) which agent definition
/// version the conversation is pinned to; travels with the conversation.
///
/// Wire format: caller and callee, as first shipped; the agent pin follows only when present.
/// An input is always the whole payload of a `.started` event, so the pin is read only when
/// bytes remain. ``ConversationState`` keeps the pin in its own extension block instead.
public struct ConversationInput: Sendable, Equatable, WireCodable {
    public var caller: String
    public var callee: String
    /// The agent answering the call, pinned to one definition version for the whole call.
    public var agent: ConversationAgent?

    public init(caller: String, callee: String, agent: ConversationAgent? = nil) {
        self.caller = caller
        self.callee = callee
        self.agent = agent
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: caller)
        writer.write(string: callee)
        if let agent {
            writer.write(byte: 1)
            agent.encode(to: &writer)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        caller = try reader.readString("ConversationInput.caller")
        callee = try reader.readString("ConversationInput.callee")
        agent = nil
        if !reader.isAtEnd {
            let marker = try reader.readByte("ConversationInput.agent")
            guard marker == 1 else { throw reader.unknownTag(UInt64(marker), "ConversationInput.agent") }
            agent = try ConversationAgent(from: &reader)
        }
    }
}

/// The agent a conversation is pinned to: its name, the definition's content hash, and the
/// settings the conversation loop runs with, fixed when the call started. Reloading the
/// agent's files later changes new calls only.
public struct ConversationAgent: Sendable, Equatable, WireCodable {
    public var name: String
    /// The definition's content hash (sha256 of the normalized file and its resources).
    public var version: String
    public var settings: ConversationSettings

    public init(name: String, version: String, settings: ConversationSettings) {
        self.name = name
        self.version = version
        self.settings = settings
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: name)
        writer.write(string: version)
        settings.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        name = try reader.readString("ConversationAgent.name")
        version = try reader.readString("ConversationAgent.version")
        settings = try reader.read()
    }
}
