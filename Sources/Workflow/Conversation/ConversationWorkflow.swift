/// The conversation loop, Parley's first real workflow: wait for the caller or the idle
/// timeout; on a final utterance ask the language model (an activity) and speak its reply; on
/// idle ask "Are you still there?" and, on a second idle, say goodbye and hang up; record DTMF
/// digits; on hang-up run the end-of-call summary and complete. The talking phase runs under a
/// maximum-duration scope that ends the call politely. It speaks to the call only through
/// ``ConversationEffect`` values.
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

    public let settings: ConversationSettings
    /// The agent definition's content hash.
    public let version: String

    public init(settings: ConversationSettings = ConversationSettings(), version: String) {
        self.settings = settings
        self.version = version
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
            commands.append(.openScope(Self.mainScope, deadline: now + settings.maxDuration))
            if let greeting = settings.greeting { say(greeting, &state, now, &commands) }
            armIdle(&state, now, &commands)
        case .signal(let signal):
            handle(signal, &state, now, &commands)
        case .update(let id, let update):
            handle(update, id, &state, now, &commands)
        case .timerFired(let timer) where timer == Self.idleTimer:
            idle(&state, now, &commands)
        case .timerFired:
            break
        case .activityCompleted(let id, let output):
            completed(id, output, &state, now, &commands)
        case .activityFailed(let id, _):
            failed(id, &state, now, &commands)
        case .scopeExpired(let scope) where scope == Self.mainScope:
            end(.maxDuration, goodbye: settings.maxDurationGoodbye, &state, now, &commands)
        case .scopeExpired:
            break
        case .cancelRequested:
            end(.cancelled, goodbye: settings.cancelGoodbye, &state, now, &commands)
        }
        if state.phase == .active, state.pendingReply == nil,
           context.historyLength >= settings.continueAsNewAfter {
            state.continuations += 1
            commands.append(.continueAsNew(state))
        }
        return commands
    }

    private func handle(_ signal: ConversationSignal, _ state: inout ConversationState, _ now: WorkflowTime,
                        _ commands: inout Commands) {
        guard state.phase == .active else { return }
        switch signal {
        case .transcript(let text, let isFinal):
            state.idleCount = 0
            armIdle(&state, now, &commands)
            guard isFinal, !text.isEmpty else { return }
            requestReply(to: text, &state, now, &commands)
        case .dtmf(let digit):
            state.digits += digit
            state.idleCount = 0
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
    private func requestReply(to text: String, _ state: inout ConversationState, _ now: WorkflowTime,
                              _ commands: inout Commands) {
        state.turns.append(Turn(speaker: .user, text: text, at: now))
        if let previous = state.pendingReply { commands.append(.cancelActivity(previous)) }
        releaseAsk("superseded by a newer utterance", &state, &commands)
        state.replyCount += 1
        let id = ActivityID("reply-\(state.replyCount)")
        state.pendingReply = id
        commands.append(.runActivity(id, .reply(turns: state.turns), settings.replyOptions, scope: Self.mainScope))
    }

    /// Fails the pending `ask` update, if any.
    private func releaseAsk(_ reason: String, _ state: inout ConversationState, _ commands: inout Commands) {
        guard let ask = state.pendingAsk else { return }
        state.pendingAsk = nil
        commands.append(.answerUpdate(ask, .failure(UpdateFailure(reason))))
    }

    private func idle(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active else { return }
        state.idleCount += 1
        if state.idleCount == 1 {
            say(settings.idlePrompt, &state, now, &commands)
            armIdle(&state, now, &commands)
        } else {
            end(.idle, goodbye: settings.idleGoodbye, &state, now, &commands)
        }
    }

    private func completed(_ id: ActivityID, _ output: ConversationActivityOutput, _ state: inout ConversationState,
                           _ now: WorkflowTime, _ commands: inout Commands) {
        switch output {
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
            finish(&state, now, &commands)
        }
    }

    private func failed(_ id: ActivityID, _ state: inout ConversationState, _ now: WorkflowTime,
                        _ commands: inout Commands) {
        if id == state.pendingReply, state.phase == .active {
            state.pendingReply = nil
            releaseAsk("the language model failed", &state, &commands)
            say(settings.fallbackReply, &state, now, &commands)
            armIdle(&state, now, &commands)
        } else if id == Self.summaryActivity, state.phase == .ending {
            finish(&state, now, &commands)
        }
    }

    /// Ends the talking phase: cancel what belongs to it, say goodbye, hang up, and start the
    /// end-of-call job outside the cancelled scope.
    private func end(_ reason: EndReason, goodbye: String?, hangUp: Bool = true, _ state: inout ConversationState,
                     _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active else { return }
        state.phase = .ending
        state.endReason = reason
        state.idleDeadline = nil
        state.pendingReply = nil
        releaseAsk("the call ended (\(reason))", &state, &commands)
        commands.append(.cancelScope(Self.mainScope))
        if let goodbye { say(goodbye, &state, now, &commands) }
        if hangUp { commands.append(.emit(.hangUp)) }
        commands.append(.runActivity(Self.summaryActivity, .summarize(turns: state.turns, digits: state.digits),
                                     settings.summaryOptions))
    }

    private func finish(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        state.phase = .ended
        commands.append(.complete(ConversationOutcome(
            reason: state.endReason ?? .cancelled, summary: state.summary, digits: state.digits,
            turnCount: state.turns.count, duration: now - state.startedAt)))
    }

    private func say(_ text: String, _ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        state.turns.append(Turn(speaker: .agent, text: text, at: now))
        commands.append(.emit(.speak(text)))
    }

    /// Moves the idle deadline: state plus a re-armed timer, no event.
    private func armIdle(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        let deadline = now + settings.idleTimeout
        state.idleDeadline = deadline
        commands.append(.startTimer(Self.idleTimer, at: deadline, scope: Self.mainScope))
    }
}
