/// The conversation loop, Parley's first real workflow: wait for the caller or the idle
/// timeout; on a final utterance ask the language model (an activity) and speak its reply; on
/// idle ask "Are you still there?" and, on a second idle, say goodbye and hang up; record DTMF
/// digits; on hang-up run the end-of-call summary and complete. The talking phase runs under a
/// maximum-duration scope that ends the call politely. It speaks to the call only through
/// ``ConversationEffect`` values.
///
/// A conversation pinned to an agent (``ConversationInput/agent``) runs with that agent's
/// settings and also executes the tool calls its brain returns, one at a time and in order
/// (see `ConversationWorkflow+Tools.swift`): call actions as effects answered by a
/// `.toolResult` signal, digit collection as a step of its own, HTTP tools as activities; then
/// it asks the brain again when a tool produced something to read.
public struct ConversationWorkflow: WorkflowDefinition {
    public typealias Input = ConversationInput
    public typealias State = ConversationState
    public typealias Signal = ConversationSignal
    public typealias Update = ConversationUpdate
    public typealias UpdateReply = ConversationReply
    public typealias Activity = ConversationActivity
    public typealias ActivityOutput = ConversationActivityOutput
    public typealias Effect = ConversationEffect
    public typealias Result = ConversationOutcome
    typealias Commands = [WorkflowCommand<ConversationWorkflow>]

    public static let typeName = "conversation"
    public static let mainScope: ScopeID = "main"
    public static let idleTimer: TimerID = "idle"
    public static let summaryActivity: ActivityID = "summary"
    public static let webhookActivity: ActivityID = "webhook"
    public static let collectTimer: TimerID = "collect"

    /// Settings for conversations started without an agent pin.
    public let settings: ConversationSettings
    /// The version of this logic. Conversations pinned to an agent record the agent
    /// definition's content hash in their input; others used to record it here.
    public let version: String
    /// Whether the idle wait allows for the line the agent just started saying (until the host
    /// signals ``ConversationSignal/spoken``). Hosts that report `spoken` turn it on for new
    /// versions; versions recorded before it existed must replay exactly as they ran.
    public let idleAllowsForSpeech: Bool

    public init(settings: ConversationSettings = ConversationSettings(), version: String, idleAllowsForSpeech: Bool = false) {
        self.settings = settings
        self.version = version
        self.idleAllowsForSpeech = idleAllowsForSpeech
    }

    public func initialState(input: ConversationInput) -> ConversationState {
        // The real start time is set from the `.started` event's stamp.
        ConversationState(input: input, startedAt: WorkflowTime(nanosecondsSinceEpoch: 0))
    }

    public func reduce(state: inout ConversationState, event: WorkflowEvent<ConversationWorkflow>,
                       context: inout WorkflowContext) -> [WorkflowCommand<ConversationWorkflow>] {
        let now = context.now
        var commands: Commands = []
        switch event {
        case .started:
            state.startedAt = now
            let settings = settings(state)
            commands.append(.openScope(Self.mainScope, deadline: now + settings.maxDuration))
            if let greeting = settings.greeting { say(greeting, &state, now, &commands) }
            armIdle(&state, now, &commands)
        case .signal(let signal):
            handle(signal, &state, now, &commands)
        case .update(let id, let update):
            handle(update, id, &state, now, &commands)
        case .timerFired(let timer) where timer == Self.idleTimer:
            idle(&state, now, &commands)
        case .timerFired(let timer) where timer == Self.collectTimer:
            collectionTimedOut(&state, now, &commands)
        case .timerFired:
            break
        case .activityCompleted(let id, let output):
            completed(id, output, &state, now, &commands)
        case .activityFailed(let id, let failure):
            failed(id, failure, &state, now, &commands)
        case .scopeExpired(let scope) where scope == Self.mainScope:
            end(.maxDuration, goodbye: settings(state).maxDurationGoodbye, &state, now, &commands)
        case .scopeExpired:
            break
        case .cancelRequested:
            end(.cancelled, goodbye: settings(state).cancelGoodbye, &state, now, &commands)
        }
        if state.phase == .active, state.pendingReply == nil, state.activeTool == nil,
           context.historyLength >= settings(state).continueAsNewAfter {
            state.continuations += 1
            commands.append(.continueAsNew(state))
        }
        return commands
    }

    /// The settings this conversation runs with: its agent's, else the definition's.
    func settings(_ state: ConversationState) -> ConversationSettings {
        state.input.agent?.settings ?? settings
    }

    private func handle(_ signal: ConversationSignal, _ state: inout ConversationState, _ now: WorkflowTime,
                        _ commands: inout Commands) {
        guard state.phase == .active else { return }
        switch signal {
        case .transcript(let text, let isFinal):
            state.idleCount = 0
            armIdle(&state, now, &commands)
            guard isFinal, !text.isEmpty else { return }
            guard shouldAnswer(text, state) else {
                // Heard, kept for context, not answered (a tool is running, or in a conference
                // nobody said the agent's name).
                state.turns.append(Turn(speaker: .user, text: text, at: now))
                if state.activeTool != nil { state.followUp = true }
                return
            }
            requestReply(to: text, &state, now, &commands)
        case .dtmf(let digit):
            dtmf(digit, &state, now, &commands)
        case .toolResult(let id, let ok, let detail):
            toolFinished(id, ok: ok, detail: detail, &state, now, &commands)
        case .conference(let room):
            state.room = room
            armIdle(&state, now, &commands)
        case .bargeIn(let heard):
            if let last = state.turns.lastIndex(where: { $0.speaker == .agent }) {
                state.turns[last].text = heard
                state.turns[last].interrupted = true
            }
            state.idleCount = 0
            armIdle(&state, now, &commands)
        case .hangUp:
            end(.callerHungUp, goodbye: nil, hangUp: false, &state, now, &commands)
        case .spoken:
            // The silence the caller is given starts when the agent stops talking.
            guard state.phase == .active, state.idleDeadline != nil else { return }
            armIdle(&state, now, after: state.idleCount == 1 ? settings(state).secondIdleTimeout : nil, allowForSpeech: false,
                    &commands)
        }
    }

    private func handle(_ update: ConversationUpdate, _ id: UpdateID, _ state: inout ConversationState,
                        _ now: WorkflowTime, _ commands: inout Commands) {
        switch update {
        case .say(let text):
            guard state.phase == .active else {
                commands.append(.answerUpdate(id, .failure(UpdateFailure("conversation is ending"))))
                return
            }
            say(text, &state, now, &commands)
            armIdle(&state, now, &commands)
            commands.append(.answerUpdate(id, .success(.said(turn: state.turns.count - 1))))
        case .transfer(let target):
            guard state.phase == .active else {
                commands.append(.answerUpdate(id, .failure(UpdateFailure("conversation is ending"))))
                return
            }
            commands.append(.emit(.transfer(target: target)))
            commands.append(.answerUpdate(id, .success(.transferring(target))))
            end(.transferred, goodbye: nil, hangUp: false, &state, now, &commands)
        case .ask(let question):
            guard state.phase == .active else {
                commands.append(.answerUpdate(id, .failure(UpdateFailure("conversation is ending"))))
                return
            }
            state.idleCount = 0
            armIdle(&state, now, &commands)
            requestReply(to: question, &state, now, &commands)
            state.pendingAsk = id
        }
    }

    /// Records the caller's line and asks the model, abandoning a reply still in flight.
    func requestReply(to text: String, isDTMF: Bool = false, _ state: inout ConversationState, _ now: WorkflowTime,
                      _ commands: inout Commands) {
        state.turns.append(Turn(speaker: .user, text: text, at: now, isDTMF: isDTMF))
        if let previous = state.pendingReply { commands.append(.cancelActivity(previous)) }
        releaseAsk("superseded by a newer utterance", &state, &commands)
        state.toolRounds = 0
        askModel(&state, &commands)
    }

    /// Starts a reply activity over the turns so far.
    func askModel(_ state: inout ConversationState, _ commands: inout Commands) {
        state.replyCount += 1
        let id = ActivityID("reply-\(state.replyCount)")
        state.pendingReply = id
        let activity: ConversationActivity
        if let context = agentContext(state) {
            activity = .agentReply(context, turns: state.turns)
        } else {
            activity = .reply(turns: state.turns)
        }
        commands.append(.runActivity(id, activity, settings(state).replyOptions, scope: Self.mainScope))
    }

    /// Fails the pending `ask` update, if any.
    func releaseAsk(_ reason: String, _ state: inout ConversationState, _ commands: inout Commands) {
        guard let ask = state.pendingAsk else { return }
        state.pendingAsk = nil
        commands.append(.answerUpdate(ask, .failure(UpdateFailure(reason))))
    }

    private func idle(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active else { return }
        let settings = settings(state)
        state.idleCount += 1
        if state.idleCount == 1 {
            say(settings.idlePrompt, &state, now, &commands)
            armIdle(&state, now, after: settings.secondIdleTimeout, &commands)
        } else {
            end(.idle, goodbye: settings.idleGoodbye, &state, now, &commands)
        }
    }

    private func completed(_ id: ActivityID, _ output: ConversationActivityOutput, _ state: inout ConversationState,
                           _ now: WorkflowTime, _ commands: inout Commands) {
        switch output {
        case .agentReply(let text, let calls):
            guard id == state.pendingReply, state.phase == .active else { return }
            state.pendingReply = nil
            agentReplied(text, calls, &state, now, &commands)
        case .toolOutput(let text):
            guard let active = state.activeTool, id == Self.toolActivity(active) else { return }
            toolFinished(active.id, ok: true, detail: text, &state, now, &commands)
        case .delivered:
            guard id == Self.webhookActivity, state.phase == .ending else { return }
            finish(&state, now, &commands)
        case .reply(let text):
            guard id == state.pendingReply, state.phase == .active else { return }
            state.pendingReply = nil
            say(text, &state, now, &commands)
            if let ask = state.pendingAsk {
                state.pendingAsk = nil
                commands.append(.answerUpdate(ask, .success(.answered(text))))
            }
            armIdle(&state, now, &commands)
        case .summary(let text):
            guard id == Self.summaryActivity, state.phase == .ending else { return }
            state.summary = text
            summarized(&state, now, &commands)
        }
    }

    private func failed(_ id: ActivityID, _ failure: ActivityFailure, _ state: inout ConversationState,
                        _ now: WorkflowTime, _ commands: inout Commands) {
        if id == state.pendingReply, state.phase == .active {
            state.pendingReply = nil
            releaseAsk("the language model failed", &state, &commands)
            say(settings(state).fallbackReply, &state, now, &commands)
            armIdle(&state, now, &commands)
        } else if let active = state.activeTool, id == Self.toolActivity(active), state.phase == .active {
            let detail = failure.message.isEmpty ? "failed (\(failure.type))" : "failed (\(failure.type)): \(failure.message)"
            toolFinished(active.id, ok: false, detail: detail, &state, now, &commands)
        } else if id == Self.summaryActivity, state.phase == .ending {
            summarized(&state, now, &commands)
        } else if id == Self.webhookActivity, state.phase == .ending {
            finish(&state, now, &commands)
        }
    }

    /// After the summary (or its failure): the webhook job if the agent has one, else done.
    private func summarized(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        guard let context = agentContext(state), settings(state).webhook else {
            finish(&state, now, &commands)
            return
        }
        let report = CallReport(reason: state.endReason ?? .cancelled, summary: state.summary, turns: state.turns,
                                startedAt: state.startedAt, endedAt: now)
        commands.append(.runActivity(Self.webhookActivity, .webhook(context, report), settings(state).webhookOptions))
    }

    /// Ends the talking phase: cancel what belongs to it, say goodbye, hang up, and start the
    /// end-of-call job outside the cancelled scope.
    func end(_ reason: EndReason, goodbye: String?, hangUp: Bool = true, _ state: inout ConversationState,
             _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active else { return }
        state.phase = .ending
        state.endReason = reason
        state.idleDeadline = nil
        state.pendingReply = nil
        state.activeTool = nil
        state.toolQueue = []
        state.collection = nil
        state.followUp = false
        releaseAsk("the call ended (\(reason))", &state, &commands)
        commands.append(.cancelScope(Self.mainScope))
        if let goodbye { say(goodbye, &state, now, &commands) }
        if hangUp { commands.append(.emit(.hangUp)) }
        let summary: ConversationActivity
        if let context = agentContext(state) {
            summary = .agentSummary(context, turns: state.turns)
        } else {
            summary = .summarize(turns: state.turns, digits: state.digits)
        }
        commands.append(.runActivity(Self.summaryActivity, summary, settings(state).summaryOptions))
    }

    private func finish(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        state.phase = .ended
        commands.append(.complete(ConversationOutcome(
            reason: state.endReason ?? .cancelled, summary: state.summary, digits: state.digits,
            turnCount: state.turns.count, duration: now - state.startedAt)))
    }

    func say(_ text: String, _ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        state.turns.append(Turn(speaker: .agent, text: text, at: now))
        commands.append(.emit(.speak(text)))
    }

    /// Moves the idle deadline: state plus a re-armed timer, no event. While the caller is on
    /// hold, a tool runs, digits are being collected or the agent sits in a conference, no idle
    /// prompt applies and the timer is stopped instead.
    func armIdle(_ state: inout ConversationState, _ now: WorkflowTime, after timeout: Duration? = nil,
                 allowForSpeech: Bool = true, _ commands: inout Commands) {
        if state.onHold || state.activeTool != nil || state.collection != nil || state.room != nil {
            if state.idleDeadline != nil {
                state.idleDeadline = nil
                commands.append(.cancelTimer(Self.idleTimer))
            }
            return
        }
        var deadline = now + (timeout ?? settings(state).idleTimeout)
        // A line the agent starts saying now is not the caller's silence: allow for its length
        // (about 12 characters a second, generously) until the host reports it played (`spoken`).
        if idleAllowsForSpeech, allowForSpeech, let last = state.turns.last, last.speaker == .agent, last.at == now {
            deadline = deadline + .milliseconds(500 + last.text.count * 1000 / 12)
        }
        state.idleDeadline = deadline
        commands.append(.startTimer(Self.idleTimer, at: deadline, scope: Self.mainScope))
    }
}
