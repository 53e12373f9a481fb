import Foundation
import Workflow

/// A fake brain for agent-pinned conversations: answers `.agentReply` from a queue of scripted
/// replies (echoing when empty), runs `.tool` as "result of <name>", and records every request.
final class ScriptedAgentModel: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [(String, [ToolInvocation])] = []
    private var calls: [ConversationActivity] = []
    private var repeating: (String, [ToolInvocation])?

    var requests: [ConversationActivity] { lock.withLock { calls } }

    /// Turns of every `.agentReply` request, in order.
    var replyRequests: [[Turn]] {
        requests.compactMap { if case .agentReply(_, let turns) = $0 { return turns } else { return nil } }
    }

    func reply(_ text: String, _ calls: [ToolInvocation] = []) {
        lock.withLock { replies.append((text, calls)) }
    }

    /// Every reply from now on is this one.
    func alwaysReply(_ text: String, _ calls: [ToolInvocation]) {
        lock.withLock { repeating = (text, calls) }
    }

    var handler: ActivityHandler<ConversationWorkflow> {
        { [self] activity, context in try await run(activity, context) }
    }

    private func run(_ activity: ConversationActivity, _ context: ActivityContext) async throws -> ConversationActivityOutput {
        let next = lock.withLock { () -> (String, [ToolInvocation])? in
            calls.append(activity)
            guard case .agentReply = activity else { return nil }
            if !replies.isEmpty { return replies.removeFirst() }
            return repeating
        }
        switch activity {
        case .agentReply:
            if let next { return .agentReply(text: next.0, calls: next.1) }
            return try await EchoConversationActivities.run(activity, context)
        case .tool(_, let invocation, let digits):
            return .toolOutput("result of \(invocation.name)\(digits.isEmpty ? "" : " with \(digits)")")
        default:
            return try await EchoConversationActivities.run(activity, context)
        }
    }
}

/// A conversation engine for agent-pinned conversations on a manual clock.
final class ConversationAgentHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock = ManualClock()
    let store: WorkflowStore
    let engine: WorkflowEngine<ConversationWorkflow>
    let effects: EffectCollector<ConversationWorkflow>
    let model = ScriptedAgentModel()

    init() throws {
        directory = try TemporaryDirectory()
        store = try WorkflowStore(path: directory.path("agent.sqlite"))
        engine = try WorkflowEngine(store: store, definition: ConversationWorkflow(version: "agent-logic-1"),
                                    clock: clock, activities: model.handler)
        effects = EffectCollector(engine)
    }

    static func input(_ settings: ConversationSettings = ConversationSettings(greeting: "Hi.")) -> ConversationInput {
        ConversationInput(caller: "alice", callee: "agent",
                          agent: ConversationAgent(name: "test", version: "hash-1", settings: settings))
    }

    func effects(of id: WorkflowID) -> [ConversationEffect] {
        effects.all.filter { $0.workflowID == id }.map(\.effect)
    }

    func stop() {
        engine.shutdown()
        store.close()
    }
}
