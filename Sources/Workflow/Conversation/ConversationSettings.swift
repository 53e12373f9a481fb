/// The parts of an agent definition the conversation loop needs: prompts, timeouts, DTMF and
/// conference behaviour, and the retry policies of its activities. The Agent module builds it
/// from an agent definition and pins it in the conversation's input
/// (``ConversationAgent``); ``ConversationWorkflow/settings`` serves conversations started
/// without one.
public struct ConversationSettings: Sendable, Equatable, WireCodable {
    public var greeting: String?
    public var idleTimeout: Duration
    /// The wait after the idle prompt before giving up (nil: `idleTimeout` again).
    public var secondIdleTimeout: Duration?
    public var idlePrompt: String
    public var idleGoodbye: String
    public var maxDuration: Duration
    public var maxDurationGoodbye: String
    public var cancelGoodbye: String
    /// Said when the language model fails for good.
    public var fallbackReply: String
    /// Said when the agent hangs up without a line of its own.
    public var goodbye: String
    /// Said when a transfer fails: the caller is back with the agent, never in silence.
    public var transferFailedPrompt: String
    /// Keep DTMF out of the transcript, the digits record and the model.
    public var digitsPrivate: Bool
    /// A key press outside a collection is a turn of its own (menus: "press 0 for…").
    public var digitEndsTurn: Bool
    /// In a conference, answer only utterances that contain this name.
    public var addressName: String?
    /// Model calls after tool results within one caller turn, before the fallback is said.
    public var maxToolRounds: Int
    public var replyOptions: ActivityOptions
    public var summaryOptions: ActivityOptions
    /// HTTP tools.
    public var toolOptions: ActivityOptions
    /// Post the transcript to the agent's webhook after the summary.
    public var webhook: Bool
    public var webhookOptions: ActivityOptions
    /// Start a new run (continue-as-new) once the current one has this many events.
    public var continueAsNewAfter: Int

    public init(
        greeting: String? = nil,
        idleTimeout: Duration = .seconds(10),
        secondIdleTimeout: Duration? = nil,
        idlePrompt: String = "Are you still there?",
        idleGoodbye: String = "I haven't heard from you, so I'll hang up now. Goodbye!",
        maxDuration: Duration = .seconds(30 * 60),
        maxDurationGoodbye: String = "We have reached the time limit for this call. Thank you, goodbye!",
        cancelGoodbye: String = "I have to end the call now. Goodbye!",
        fallbackReply: String = "Sorry, I'm having trouble answering right now.",
        goodbye: String = "Goodbye!",
        transferFailedPrompt: String = "Sorry, I couldn't connect your call. Is there anything else I can help you with?",
        digitsPrivate: Bool = false,
        digitEndsTurn: Bool = false,
        addressName: String? = nil,
        maxToolRounds: Int = 4,
        replyOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .milliseconds(200), backoffCoefficient: 2,
                               maximumInterval: .seconds(2), maximumAttempts: 3,
                               nonRetryableErrorTypes: ["HTTP400", "ContentPolicy"]),
            startToCloseTimeout: .seconds(20)),
        summaryOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .seconds(1), maximumInterval: .seconds(30), maximumAttempts: 5),
            startToCloseTimeout: .seconds(60)),
        toolOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .milliseconds(500), maximumInterval: .seconds(4), maximumAttempts: 3,
                               nonRetryableErrorTypes: ["HTTP400", "HTTP4xx", "BadArguments"]),
            startToCloseTimeout: .seconds(15)),
        webhook: Bool = false,
        webhookOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .seconds(1), maximumInterval: .seconds(60), maximumAttempts: 6,
                               nonRetryableErrorTypes: ["HTTP400", "HTTP4xx"]),
            startToCloseTimeout: .seconds(30)),
        continueAsNewAfter: Int = 2_000
    ) {
        self.greeting = greeting
        self.idleTimeout = idleTimeout
        self.secondIdleTimeout = secondIdleTimeout
        self.idlePrompt = idlePrompt
        self.idleGoodbye = idleGoodbye
        self.maxDuration = maxDuration
        self.maxDurationGoodbye = maxDurationGoodbye
        self.cancelGoodbye = cancelGoodbye
        self.fallbackReply = fallbackReply
        self.goodbye = goodbye
        self.transferFailedPrompt = transferFailedPrompt
        self.digitsPrivate = digitsPrivate
        self.digitEndsTurn = digitEndsTurn
        self.addressName = addressName
        self.maxToolRounds = maxToolRounds
        self.replyOptions = replyOptions
        self.summaryOptions = summaryOptions
        self.toolOptions = toolOptions
        self.webhook = webhook
        self.webhookOptions = webhookOptions
        self.continueAsNewAfter = continueAsNewAfter
    }

    /// Layout version of the encoding below; bump it and read the old layout too when adding fields.
    private static let layout: UInt8 = 1

    public func encode(to writer: inout WireWriter) {
        writer.write(byte: Self.layout)
        greeting.encode(to: &writer)
        idleTimeout.encode(to: &writer)
        secondIdleTimeout.encode(to: &writer)
        writer.write(string: idlePrompt)
        writer.write(string: idleGoodbye)
        maxDuration.encode(to: &writer)
        writer.write(string: maxDurationGoodbye)
        writer.write(string: cancelGoodbye)
        writer.write(string: fallbackReply)
        writer.write(string: goodbye)
        writer.write(string: transferFailedPrompt)
        writer.write(bool: digitsPrivate)
        writer.write(bool: digitEndsTurn)
        addressName.encode(to: &writer)
        maxToolRounds.encode(to: &writer)
        replyOptions.encode(to: &writer)
        summaryOptions.encode(to: &writer)
        toolOptions.encode(to: &writer)
        writer.write(bool: webhook)
        webhookOptions.encode(to: &writer)
        continueAsNewAfter.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let layout = try reader.readByte("ConversationSettings.layout")
        guard layout == Self.layout else { throw reader.unknownTag(UInt64(layout), "ConversationSettings.layout") }
        greeting = try reader.read()
        idleTimeout = try reader.read()
        secondIdleTimeout = try reader.read()
        idlePrompt = try reader.readString()
        idleGoodbye = try reader.readString()
        maxDuration = try reader.read()
        maxDurationGoodbye = try reader.readString()
        cancelGoodbye = try reader.readString()
        fallbackReply = try reader.readString()
        goodbye = try reader.readString()
        transferFailedPrompt = try reader.readString()
        digitsPrivate = try reader.readBool()
        digitEndsTurn = try reader.readBool()
        addressName = try reader.read()
        maxToolRounds = try reader.read()
        replyOptions = try reader.read()
        summaryOptions = try reader.read()
        toolOptions = try reader.read()
        webhook = try reader.readBool()
        webhookOptions = try reader.read()
        continueAsNewAfter = try reader.read()
    }
}
