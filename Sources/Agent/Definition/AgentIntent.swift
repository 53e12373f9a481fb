/// Something a scripted agent recognises: example phrases and keywords (or keys pressed), and
/// what it does then: a line to say and/or a tool to call.
public struct AgentIntent: Sendable, Equatable {
    public var name: String
    public var examples: [String]
    public var keywords: [String]
    /// DTMF keys that select this intent when a key press is a turn.
    public var digits: [String]
    public var reply: PromptTemplate?
    /// Tools to call, in order (`tool: x` or `tools: [x, y]` in the file).
    public var tools: [String]
    /// Arguments for the tools that take any (an object).
    public var arguments: JSONValue?
    /// Said after the last tool's result comes back; `{{result}}` is the result text.
    public var resultReply: PromptTemplate?

    public init(name: String, examples: [String] = [], keywords: [String] = [], digits: [String] = [],
                reply: PromptTemplate? = nil, tools: [String] = [], arguments: JSONValue? = nil,
                resultReply: PromptTemplate? = nil) {
        self.name = name
        self.examples = examples
        self.keywords = keywords
        self.digits = digits
        self.reply = reply
        self.tools = tools
        self.arguments = arguments
        self.resultReply = resultReply
    }
}
