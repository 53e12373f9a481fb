/// The parts of an agent definition the conversation loop needs: prompts, timeouts and the
/// language model's retry policy. The host builds it from the agent definition file and passes
/// that file's content hash as the workflow version.
public struct ConversationSettings: Sendable, Equatable {
    public var greeting: String?
    public var idleTimeout: Duration
    public var idlePrompt: String
    public var idleGoodbye: String
    public var maxDuration: Duration
    public var maxDurationGoodbye: String
    public var cancelGoodbye: String
    /// Said when the language model fails for good.
    public var fallbackReply: String
    public var replyOptions: ActivityOptions
    public var summaryOptions: ActivityOptions
    /// Start a new run (continue-as-new) once the current one has this many events.
    public var continueAsNewAfter: Int

    public init(
        greeting: String? = nil,
        idleTimeout: Duration = .seconds(10),
        idlePrompt: String = "Are you still there?",
        idleGoodbye: String = "I haven't heard from you, so I'll hang up now. Goodbye!",
        maxDuration: Duration = .seconds(30 * 60),
        maxDurationGoodbye: String = "We have reached the time limit for this call. Thank you, goodbye!",
        cancelGoodbye: String = "I have to end the call now. Goodbye!",
        fallbackReply: String = "Sorry, I'm having trouble answering right now.",
        replyOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .milliseconds(200), backoffCoefficient: 2,
                               maximumInterval: .seconds(2), maximumAttempts: 3,
                               nonRetryableErrorTypes: ["HTTP400", "ContentPolicy"]),
            startToCloseTimeout: .seconds(20)),
        summaryOptions: ActivityOptions = ActivityOptions(
            retry: RetryPolicy(initialInterval: .seconds(1), maximumInterval: .seconds(30), maximumAttempts: 5),
            startToCloseTimeout: .seconds(60)),
        continueAsNewAfter: Int = 2_000
    ) {
        self.greeting = greeting
        self.idleTimeout = idleTimeout
        self.idlePrompt = idlePrompt
        self.idleGoodbye = idleGoodbye
        self.maxDuration = maxDuration
        self.maxDurationGoodbye = maxDurationGoodbye
        self.cancelGoodbye = cancelGoodbye
        self.fallbackReply = fallbackReply
        self.replyOptions = replyOptions
        self.summaryOptions = summaryOptions
        self.continueAsNewAfter = continueAsNewAfter
    }
}
