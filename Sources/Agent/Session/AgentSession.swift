import Logging
import Workflow

/// One call's conversation with an agent. The speech side feeds it (final transcripts,
/// barge-ins, DTMF, the caller hanging up); it carries out the conversation's effects through
/// ``AgentCallActions`` strictly in order: replies are spoken sentence by sentence, a barge-in
/// cuts the reply and tells the conversation what the caller heard, and every call action's
/// outcome goes back as a `.toolResult` signal.
public actor AgentSession {
    public nonisolated let id: WorkflowID
    /// The pinned version this call runs with.
    public nonisolated let definition: AgentDefinition
    public nonisolated let handle: WorkflowHandle<ConversationWorkflow>
    private let actions: any AgentCallActions
    private let logger: Logger
    private nonisolated let inbox: AsyncStream<ConversationEffect>.Continuation
    private var worker: Task<Void, Never>?
    private var utterances = 0
    /// Effects queued and not yet carried out, and who waits for none to be left.
    private nonisolated let backlog = AgentLock<(pending: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    init(id: WorkflowID, definition: AgentDefinition, handle: WorkflowHandle<ConversationWorkflow>,
         actions: any AgentCallActions, logger: Logger) {
        self.id = id
        self.definition = definition
        self.handle = handle
        self.actions = actions
        var logger = logger
        logger[metadataKey: "conversation"] = "\(id)"
        self.logger = logger
        let (stream, continuation) = AsyncStream<ConversationEffect>.makeStream(bufferingPolicy: .unbounded)
        inbox = continuation
        Task { await self.startWorker(stream) }
    }

    private func startWorker(_ stream: AsyncStream<ConversationEffect>) {
        worker = Task { [weak self] in
            for await effect in stream {
                guard let self else { return }
                await self.perform(effect)
            }
        }
    }

    // MARK: - Feeding the conversation

    /// Speech recognised; a final transcript asks the agent to answer.
    public func heard(_ text: String, isFinal: Bool = true) async throws(WorkflowError) {
        try await handle.signal(.transcript(text, isFinal: isFinal))
    }

    /// A DTMF key (0-9, *, #, A-D).
    public func pressed(_ key: String) async throws(WorkflowError) {
        try await handle.signal(.dtmf(key))
    }

    /// The caller spoke over the agent outside a ``AgentCallActions/speak(_:utteranceID:)`` call.
    public func bargedIn(heard: String) async throws(WorkflowError) {
        try await handle.signal(.bargeIn(heard: heard))
    }

    public func callerHungUp() async throws(WorkflowError) {
        try await handle.signal(.hangUp)
    }

    /// The host placed the agent in a conference room (nil: it left).
    public func conference(_ room: String?) async throws(WorkflowError) {
        try await handle.signal(.conference(room: room))
    }

    /// The transcript so far (tool calls and results included).
    public func turns() async throws(WorkflowError) -> [Turn] {
        try await handle.query(Conversation.Turns.self, ())
    }

    /// Waits for the conversation to finish.
    public func outcome() async throws(WorkflowError) -> ConversationOutcome {
        try await handle.result()
    }

    /// Returns once every effect received so far has been carried out.
    public nonisolated func drained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = backlog.withLock { state -> Bool in
                if state.pending == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Tells the host about a tool call the engine runs as an activity (HTTP tools).
    nonisolated func report(_ toolCall: ToolCallReport) {
        actions.report(toolCall)
    }

    /// Tells the host about a committed step of the conversation.
    nonisolated func report(_ notice: ConversationNotice) {
        actions.report(notice)
    }

    // MARK: - Carrying out effects

    /// Queues an effect; effects run one at a time in arrival order.
    nonisolated func enqueue(_ effect: ConversationEffect) {
        backlog.withLock { $0.pending += 1 }
        inbox.yield(effect)
    }

    /// Re-runs the call action a recovered conversation is still waiting on.
    func resumePendingAction() async {
        guard let action = try? await handle.query(Conversation.PendingAction.self, ()) else { return }
        logger.info("re-running the call action pending at recovery", metadata: ["tool": "\(action.name)"])
        enqueue(.action(action))
    }

    private func perform(_ effect: ConversationEffect) async {
        switch effect {
        case .speak(let text):
            if await speak(text), backlog.withLock({ $0.pending }) <= 1 {
                await signal(.spoken)
            }
        case .hangUp:
            await actions.hangUp()
        case .transfer(let target):
            do {
                try await actions.transfer(to: target, mode: .blind)
            } catch {
                logger.error("operator transfer failed", metadata: ["target": "\(target)", "error": "\(error)"])
            }
        case .action(let invocation):
            actions.report(.started(invocation))
            let (ok, detail) = await run(invocation.call)
            actions.report(.finished(invocation, ok: ok, detail: detail))
            await signal(.toolResult(id: invocation.id, ok: ok, detail: detail))
        }
        finishOne()
    }

    private func finishOne() {
        let waiters = backlog.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.pending = max(0, state.pending - 1)
            guard state.pending == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Speaks a reply sentence by sentence; a barge-in drops the rest. True when all of it played.
    private func speak(_ text: String) async -> Bool {
        var spoken: [String] = []
        for sentence in SentenceSplitter.split(text) {
            utterances += 1
            switch await actions.speak(sentence, utteranceID: "\(id)/\(utterances)") {
            case .finished:
                spoken.append(sentence)
            case .interrupted(let heard):
                let trimmed = heard.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { spoken.append(trimmed) }
                await signal(.bargeIn(heard: spoken.joined(separator: " ")))
                return false
            }
        }
        return true
    }

    private func run(_ call: AgentToolCall) async -> (Bool, String) {
        do {
            switch call {
            case .transfer(let target, let mode):
                try await actions.transfer(to: target, mode: mode)
                return (true, "transferred to \(target)")
            case .hold:
                try await actions.hold()
                return (true, "the caller is on hold")
            case .resume:
                try await actions.resume()
                return (true, "the caller is back from hold")
            case .sendDTMF(let keys):
                try await actions.sendDTMF(keys)
                return (true, "sent \(keys.count) key\(keys.count == 1 ? "" : "s")")
            case .joinConference(let room):
                try await actions.joinConference(room)
                return (true, "joined conference \(room)")
            case .hangUp, .collectDigits, .http:
                return (false, "not a call action")
            }
        } catch {
            return (false, "\(error)")
        }
    }

    private func signal(_ signal: ConversationSignal) async {
        do {
            try await handle.signal(signal)
        } catch {
            // The conversation may have ended meanwhile (the caller hung up).
            logger.debug("signal not delivered", metadata: ["error": "\(error)"])
        }
    }

    /// Stops carrying out effects (the call is gone).
    func close() {
        inbox.finish()
        worker?.cancel()
    }
}
