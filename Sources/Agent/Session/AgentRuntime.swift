import Logging
import Workflow

/// Runs agent conversations on one ``WorkflowEngine``: starts a session per call, routes the
/// engine's effects to the call they belong to, runs activities through the brains and HTTP
/// tools, and after a restart recovers conversations so the host can re-attach their calls.
/// The composition root builds one and passes it to the switch.
public final class AgentRuntime: Sendable {
    /// The conversation logic's version (agent versions are pinned in each conversation's input).
    public static let workflowVersion = "agent-conversation-2"
    /// Earlier logic versions, kept so conversations recorded with them replay unchanged.
    static let legacyWorkflows = [ConversationWorkflow(version: "agent-conversation-1", idleAllowsForSpeech: false)]

    public let engine: WorkflowEngine<ConversationWorkflow>
    private let definitions: any AgentDefinitionSource
    private let logger: Logger
    private struct Routing {
        var sessions: [WorkflowID: AgentSession] = [:]
        /// Effects of recovered conversations no call has re-attached to yet.
        var parked: [WorkflowID: [ConversationEffect]] = [:]
    }
    private let routing: AgentLock<Routing>
    private let router: AgentLock<Task<Void, Never>?> = AgentLock(nil)
    /// Most effects kept for a conversation waiting to be re-attached.
    static let maximumParked = 64

    public init(store: WorkflowStore, definitions: any AgentDefinitionSource, brains: any AgentBrainProvider,
                tools: HTTPToolRunner?, clock: any WorkflowClock = SystemWorkflowClock(),
                workflowMetrics: WorkflowMetrics = .disabled,
                logger: Logger = Logger(label: "parley.agent")) throws(WorkflowError) {
        self.logger = logger
        self.definitions = definitions
        let routing = AgentLock(Routing())
        self.routing = routing
        let activities = AgentActivities(definitions: definitions, brains: brains, tools: tools, logger: logger) { id, report in
            routing.withLock { $0.sessions[id] }?.report(report)
        }
        engine = try WorkflowEngine(store: store, definitions: [ConversationWorkflow(version: Self.workflowVersion, idleAllowsForSpeech: true)] + Self.legacyWorkflows,
                                    clock: clock, logger: logger, metrics: workflowMetrics, activities: activities.handler)
        // Committed steps go live to the call they belong to (on the writer thread: cheap).
        engine.observeCommits { committed in
            guard let session = routing.withLock({ $0.sessions[committed.workflowID] }) else { return }
            for notice in ConversationNotice.notices(committed) { session.report(notice) }
        }
        let stream = engine.effects
        let task = Task { [routing, logger] in
            for await effect in stream {
                let session = routing.withLock { routing -> AgentSession? in
                    if let session = routing.sessions[effect.workflowID] { return session }
                    var parked = routing.parked[effect.workflowID] ?? []
                    if parked.count < Self.maximumParked { parked.append(effect.effect) }
                    routing.parked[effect.workflowID] = parked
                    return nil
                }
                if let session {
                    session.enqueue(effect.effect)
                } else {
                    logger.debug("effect for a conversation without a call", metadata: ["conversation": "\(effect.workflowID)"])
                }
            }
        }
        router.withLock { $0 = task }
    }

    /// Starts the conversation for a call answered by `definition`, pinned to its version.
    public func start(_ id: WorkflowID, definition: AgentDefinition, caller: String, callee: String,
                      actions: any AgentCallActions) async throws(WorkflowError) -> AgentSession {
        let session = AgentSession(id: id, definition: definition, handle: engine.handle(id), actions: actions,
                                   logger: logger)
        // Registered before the start event, so the greeting finds its call.
        let added = routing.withLock { routing -> Bool in
            guard routing.sessions[id] == nil else { return false }
            routing.sessions[id] = session
            return true
        }
        guard added else { throw .alreadyExists(id) }
        do {
            let input = ConversationInput(caller: caller, callee: callee,
                                          agent: definition.conversationAgent(caller: caller, callee: callee))
            try await engine.start(id, input: input)
        } catch {
            routing.withLock { _ = $0.sessions.removeValue(forKey: id) }
            await session.close()
            throw error
        }
        return session
    }

    /// Rebuilds the conversations that were running when the process stopped.
    public func recover() async throws(WorkflowError) -> RecoveryReport {
        try await engine.recover()
    }

    /// Re-attaches a recovered conversation to its call: effects parked since recovery are
    /// carried out, and a call action the conversation still waits on runs again. Every
    /// recovered conversation should be attached or ``abandon(_:)``ed.
    public func attach(_ id: WorkflowID, actions: any AgentCallActions) async throws -> AgentSession {
        let handle = engine.handle(id)
        let state = try await handle.state()
        guard let agent = state.input.agent,
              let definition = try definitions.definition(version: agent.version) else {
            throw WorkflowError.unknownVersion(type: "agent", version: state.input.agent?.version ?? "(none)")
        }
        let session = AgentSession(id: id, definition: definition, handle: handle, actions: actions, logger: logger)
        let parked = routing.withLock { routing -> [ConversationEffect] in
            routing.sessions[id] = session
            return routing.parked.removeValue(forKey: id) ?? []
        }
        for effect in parked { session.enqueue(effect) }
        await session.resumePendingAction()
        return session
    }

    /// The live session of a call.
    public func session(_ id: WorkflowID) -> AgentSession? {
        routing.withLock { $0.sessions[id] }
    }

    /// Forgets a call's session; the conversation itself runs to its end.
    public func detach(_ id: WorkflowID) async {
        let session = routing.withLock { routing -> AgentSession? in
            routing.parked[id] = nil
            return routing.sessions.removeValue(forKey: id)
        }
        await session?.close()
    }

    /// Ends a recovered conversation whose call did not survive: as if the caller hung up, so
    /// its summary and webhook jobs still run.
    public func abandon(_ id: WorkflowID) async throws(WorkflowError) {
        routing.withLock { _ = $0.parked.removeValue(forKey: id) }
        try await engine.handle(id).signal(.hangUp)
    }

    /// Stops routing and the engine; close the store afterwards.
    public func shutdown() async {
        engine.shutdown()
        let sessions = routing.withLock { routing -> [AgentSession] in
            defer { routing.sessions.removeAll() }
            return Array(routing.sessions.values)
        }
        for session in sessions { await session.close() }
        router.withLock { $0?.cancel() }
    }
}
