/// Who said a turn.
public enum Speaker: UInt8, Sendable, Equatable {
    case user = 0
    case agent = 1
    /// A tool call's result (``Turn/toolResult`` says which call).
    case tool = 2
}

/// One line of the conversation as the workflow remembers it: what the caller said (or keyed),
/// what the agent said and the tools it called, and what each tool call came to.
///
/// Wire format: the speaker byte, text, time and interrupted flag, as first shipped. A turn
/// that carries tool calls, a tool result or a keypad entry sets bit 7 of the speaker byte and
/// appends those fields, so turns recorded before they existed decode and re-encode unchanged.
public struct Turn: Sendable, Equatable, WireCodable {
    public var speaker: Speaker
    public var text: String
    public var at: WorkflowTime
    /// The caller barged in; `text` is what they actually heard.
    public var interrupted: Bool
    /// Tools the agent called in this turn, in order (agent turns only).
    public var toolCalls: [ToolInvocation]
    /// The outcome of one tool call (tool turns only).
    public var toolResult: ToolResult?
    /// The caller's turn was a keypad entry; `text` holds the keys.
    public var isDTMF: Bool

    public init(speaker: Speaker, text: String, at: WorkflowTime, interrupted: Bool = false,
                toolCalls: [ToolInvocation] = [], toolResult: ToolResult? = nil, isDTMF: Bool = false) {
        self.speaker = speaker
        self.text = text
        self.at = at
        self.interrupted = interrupted
        self.toolCalls = toolCalls
        self.toolResult = toolResult
        self.isDTMF = isDTMF
    }

    private static let extendedFlag: UInt8 = 0x80

    private var isExtended: Bool { !toolCalls.isEmpty || toolResult != nil || isDTMF }

    public func encode(to writer: inout WireWriter) {
        let extended = isExtended
        writer.write(byte: speaker.rawValue | (extended ? Self.extendedFlag : 0))
        writer.write(string: text)
        at.encode(to: &writer)
        writer.write(bool: interrupted)
        if extended {
            toolCalls.encode(to: &writer)
            toolResult.encode(to: &writer)
            writer.write(bool: isDTMF)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let tag = try reader.readByte("Turn.speaker")
        guard let speaker = Speaker(rawValue: tag & ~Self.extendedFlag) else {
            throw reader.unknownTag(UInt64(tag), "Speaker")
        }
        self.speaker = speaker
        text = try reader.readString("Turn.text")
        at = try reader.read()
        interrupted = try reader.readBool()
        if tag & Self.extendedFlag != 0 {
            toolCalls = try reader.read()
            toolResult = try reader.read()
            isDTMF = try reader.readBool("Turn.isDTMF")
        } else {
            toolCalls = []
            toolResult = nil
            isDTMF = false
        }
    }
}
