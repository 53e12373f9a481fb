import Foundation
import Workflow

/// A fake language model and summary job: replies "Reply to: <last user line>", counts calls,
/// and can be told to hold replies (in flight) or to fail.
final class FakeLanguageModel: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [ConversationActivity] = []
    private var holding = false
    private var failures: [ActivityFailure] = []

    var requests: [ConversationActivity] { lock.withLock { calls } }
    var hold: Bool {
        get { lock.withLock { holding } }
        set { lock.withLock { holding = newValue } }
    }

    /// The next attempts fail with these, in order.
    func failNext(_ failure: ActivityFailure) {
        lock.withLock { failures.append(failure) }
    }

    var handler: ActivityHandler<ConversationWorkflow> {
        { [self] activity, context in try await run(activity, context) }
    }

    private func run(_ activity: ConversationActivity, _ context: ActivityContext) async throws
    -> ConversationActivityOutput {
        let failure = lock.withLock { () -> ActivityFailure? in
            calls.append(activity)
            return failures.isEmpty ? nil : failures.removeFirst()
        }
        if let failure { throw failure }
        while hold {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        switch activity {
        case .reply(let turns):
            return .reply("Reply to: \(turns.last(where: { $0.speaker == .user })?.text ?? "")")
        case .summarize(let turns, let digits):
            return .summary("summary of \(turns.count) turns, digits \(digits)")
        case .agentReply, .tool, .agentSummary, .webhook:
            return try await EchoConversationActivities.run(activity, context)
        }
    }
}

/// A conversation engine on a manual clock with a fake model.
final class ConversationHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let store: WorkflowStore
    let engine: WorkflowEngine<ConversationWorkflow>
    let effects: EffectCollector<ConversationWorkflow>
    let model: FakeLanguageModel

    static let settings = ConversationSettings(
        greeting: "Hello, how can I help?", idleTimeout: .seconds(10), maxDuration: .seconds(1800))

    init(directory: TemporaryDirectory? = nil, clock: ManualClock = ManualClock(),
         settings: ConversationSettings = ConversationHarness.settings, version: String = "agent-hash-1",
         model: FakeLanguageModel = FakeLanguageModel(), idleAllowsForSpeech: Bool = false) throws {
        self.directory = try directory ?? TemporaryDirectory()
        self.clock = clock
        self.model = model
        store = try WorkflowStore(path: self.directory.path("conversations.sqlite"))
        engine = try WorkflowEngine(store: store, definition: ConversationWorkflow(settings: settings, version: version,
                                                                                   idleAllowsForSpeech: idleAllowsForSpeech),
                                    clock: clock, activities: model.handler)
        effects = EffectCollector(engine)
    }

    func stop() {
        engine.shutdown()
        store.close()
    }

    /// Effects for one conversation, in order.
    func effects(of id: WorkflowID) -> [ConversationEffect] {
        effects.all.filter { $0.workflowID == id }.map(\.effect)
    }

}
