/// Everything the conversation remembers. Deadlines are plain values here: moving the idle
/// deadline changes state and re-arms a timer, and writes no event.
///
/// Wire format: the fields as first shipped, ending with `continuations`. When any agent field
/// differs from its default, `continuations` is written as `-(continuations + 1)` and an
/// extension block follows (layout byte, then the agent fields), so states recorded before the
/// agent fields existed encode and decode byte for byte as they did.
public struct ConversationState: Sendable, Equatable, WireCodable {
    /// Who the call is with and the pinned agent, if any.
    public var input: ConversationInput
    public var phase: ConversationPhase = .active
    public var startedAt: WorkflowTime
    public var turns: [Turn] = []
    public var digits: String = ""
    /// Idle timeouts since the caller last did something.
    public var idleCount = 0
    public var idleDeadline: WorkflowTime?
    /// The language-model call in flight, if any.
    public var pendingReply: ActivityID?
    /// The `ask` update waiting for the pending reply.
    public var pendingAsk: UpdateID?
    /// Counter behind activity ids, so every reply request has its own.
    public var replyCount = 0
    public var endReason: EndReason?
    public var summary: String?
    /// Continue-as-new count, for inspection.
    public var continuations = 0

    // Agent fields (extension block).

    /// Tool calls of the last reply still to run, in order.
    public var toolQueue: [ToolInvocation] = []
    /// The tool call running now: a call action waiting for its result, an HTTP tool's
    /// activity, or a digit collection.
    public var activeTool: ToolInvocation?
    /// Model calls made since the caller's last turn.
    public var toolRounds = 0
    /// Ask the model again once the queue is done (a tool produced something to read).
    public var followUp = false
    /// Counter behind tool call ids.
    public var toolCount = 0
    /// The caller is on hold: no idle prompts.
    public var onHold = false
    /// The conference room the agent sits in.
    public var room: String?
    /// The digit collection under way.
    public var collection: DigitCollection?
    /// The last private digit collection, for HTTP tools only.
    public var privateDigits = ""

    public init(input: ConversationInput, startedAt: WorkflowTime) {
        self.input = input
        self.startedAt = startedAt
    }

    private var hasExtension: Bool {
        input.agent != nil || !toolQueue.isEmpty || activeTool != nil || toolRounds != 0 || followUp
            || toolCount != 0 || onHold || room != nil || collection != nil || !privateDigits.isEmpty
    }

    private static let extensionLayout: UInt8 = 1

    public func encode(to writer: inout WireWriter) {
        // The input's two strings only: its agent pin lives in the extension block.
        writer.write(string: input.caller)
        writer.write(string: input.callee)
        writer.write(byte: phase.rawValue)
        startedAt.encode(to: &writer)
        turns.encode(to: &writer)
        writer.write(string: digits)
        idleCount.encode(to: &writer)
        idleDeadline.encode(to: &writer)
        pendingReply.encode(to: &writer)
        pendingAsk.encode(to: &writer)
        replyCount.encode(to: &writer)
        writer.write(signed: endReason.map { Int64($0.rawValue) } ?? -1)
        summary.encode(to: &writer)
        guard hasExtension else {
            continuations.encode(to: &writer)
            return
        }
        writer.write(signed: -Int64(continuations) - 1)
        writer.write(byte: Self.extensionLayout)
        input.agent.encode(to: &writer)
        toolQueue.encode(to: &writer)
        activeTool.encode(to: &writer)
        toolRounds.encode(to: &writer)
        writer.write(bool: followUp)
        toolCount.encode(to: &writer)
        writer.write(bool: onHold)
        room.encode(to: &writer)
        collection.encode(to: &writer)
        writer.write(string: privateDigits)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        input = ConversationInput(caller: try reader.readString("ConversationInput.caller"),
                                  callee: try reader.readString("ConversationInput.callee"))
        let phaseTag = try reader.readByte("ConversationState.phase")
        guard let phase = ConversationPhase(rawValue: phaseTag) else {
            throw reader.unknownTag(UInt64(phaseTag), "ConversationPhase")
        }
        self.phase = phase
        startedAt = try reader.read()
        turns = try reader.read()
        digits = try reader.readString("ConversationState.digits")
        idleCount = try reader.read()
        idleDeadline = try reader.read()
        pendingReply = try reader.read()
        pendingAsk = try reader.read()
        replyCount = try reader.read()
        let reason = try reader.readSigned("ConversationState.endReason")
        if reason < 0 {
            endReason = nil
        } else {
            guard let decoded = EndReason(rawValue: UInt8(clamping: reason)), reason <= 255 else {
                throw reader.unknownTag(UInt64(reason), "EndReason")
            }
            endReason = decoded
        }
        summary = try reader.read()
        let marked = try reader.readSigned("ConversationState.continuations")
        guard marked < 0 else {
            guard let count = Int(exactly: marked) else {
                throw WireError(.outOfRange(marked), offset: reader.offset, context: "ConversationState.continuations")
            }
            continuations = count
            return
        }
        guard let count = Int(exactly: -(marked + 1)) else {
            throw WireError(.outOfRange(marked), offset: reader.offset, context: "ConversationState.continuations")
        }
        continuations = count
        let layout = try reader.readByte("ConversationState.extension")
        guard layout == Self.extensionLayout else {
            throw reader.unknownTag(UInt64(layout), "ConversationState.extension")
        }
        input.agent = try reader.read()
        toolQueue = try reader.read()
        activeTool = try reader.read()
        toolRounds = try reader.read()
        followUp = try reader.readBool()
        toolCount = try reader.read()
        onHold = try reader.readBool()
        room = try reader.read()
        collection = try reader.read()
        privateDigits = try reader.readString("ConversationState.privateDigits")
    }
}

/// A digit collection under way: what ends it and the keys so far (terminator excluded).
public struct DigitCollection: Sendable, Equatable, WireCodable {
    public var spec: DigitCollectionSpec
    public var keys: String
    public var deadline: WorkflowTime

    public init(spec: DigitCollectionSpec, keys: String = "", deadline: WorkflowTime) {
        self.spec = spec
        self.keys = keys
        self.deadline = deadline
    }

    public func encode(to writer: inout WireWriter) {
        spec.encode(to: &writer)
        writer.write(string: keys)
        deadline.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        spec = try reader.read()
        keys = try reader.readString("DigitCollection.keys")
        deadline = try reader.read()
    }
}
