import Foundation
import Workflow

/// Turns the workflow module's typed values into the API's JSON types, and its errors into
/// HTTP errors.
enum ConversationMapping {
    static func date(_ time: WorkflowTime) -> Date {
        Date(timeIntervalSince1970: Double(time.nanosecondsSinceEpoch) / 1_000_000_000)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func error(_ error: WorkflowError, id: String) -> ControlError {
        switch error {
        case .notFound: .unknownConversation(id)
        case .notRunning(_, let status): .conversationNotRunning(id, status: status.description)
        case .notStarted: .conversationNotRunning(id, status: "not started")
        case .updateRejected(let rejection): .updateRejected(rejection.reason)
        case .updateFailed(let failure): .updateFailed(failure.message)
        case .workflowFailed(let failure): .conversationNotRunning(id, status: "failed (\(failure.message))")
        case .alreadyExists: ControlError(statusCode: 409, code: .workflowError, message: error.description)
        case .shutDown: .unavailable(error.description)
        case .unknownVersion, .unexpectedReply, .corruptHistory, .nonDeterminism, .storage:
            ControlError(statusCode: 500, code: .workflowError, message: error.description)
        }
    }

    static func status(_ status: WorkflowStatus) -> ConversationStatus {
        switch status {
        case .running: .running
        case .completed: .completed
        case .failed: .failed
        }
    }

    static func phase(_ phase: ConversationPhase) -> String {
        switch phase {
        case .active: "active"
        case .ending: "ending"
        case .ended: "ended"
        }
    }

    static func turn(_ turn: Turn) -> TurnInfo {
        let speaker = switch turn.speaker {
        case .user: "user"
        case .agent: "agent"
        case .tool: "tool"
        }
        return TurnInfo(speaker: speaker, text: turn.text, at: date(turn.at), interrupted: turn.interrupted,
                        toolCalls: turn.toolCalls.isEmpty ? nil : turn.toolCalls.map(toolCall),
                        toolResult: turn.toolResult.map {
                            ToolResultInfo(id: $0.id, name: $0.name, ok: $0.ok, detail: $0.detail)
                        },
                        isDTMF: turn.isDTMF ? true : nil)
    }

    static func toolCall(_ invocation: ToolInvocation) -> ToolCallInfo {
        let (action, detail): (String, String) = switch invocation.call {
        case .transfer(let target, .blind): ("transfer", "\(target) (blind)")
        case .transfer(let target, .attended(let announce)): ("transfer", "\(target) (attended: \(announce))")
        case .hold: ("hold", "")
        case .resume: ("resume", "")
        case .hangUp: ("hangUp", "")
        case .sendDTMF(let digits): ("sendDTMF", digits)
        case .collectDigits(let spec): ("collectDigits", collection(spec))
        case .joinConference(let room): ("joinConference", room)
        case .http(let name, let arguments): ("http", "\(name) \(arguments)")
        }
        return ToolCallInfo(id: invocation.id, name: invocation.name, action: action, detail: detail)
    }

    private static func collection(_ spec: DigitCollectionSpec) -> String {
        let what = switch spec.mode {
        case .count(let count): "\(count) digits"
        case .grammar(let pattern): "digits matching \(pattern)"
        }
        return what + (spec.terminator.map { ", ended by \($0)" } ?? "")
    }

    /// A signal for the API. With `redactDigits` (the conversation keeps its digits private),
    /// keys show as "•": operators see that a key was pressed, not which.
    static func signal(_ signal: ConversationSignal, redactDigits: Bool = false) -> SignalPayload {
        switch signal {
        case .transcript(let text, let isFinal): .transcript(text: text, isFinal: isFinal)
        case .dtmf(let digit): .dtmf(digit: redactDigits ? SignalPayload.redactedDigit : digit)
        case .hangUp: .hangUp
        case .bargeIn(let heard): .bargeIn(heard: heard)
        case .toolResult(let id, let ok, let detail): .toolResult(id: id, ok: ok, detail: detail)
        case .conference(let room): .conference(room: room)
        case .spoken: .spoken
        }
    }

    static func signal(_ payload: SignalPayload) -> ConversationSignal {
        switch payload {
        case .transcript(let text, let isFinal): .transcript(text, isFinal: isFinal)
        case .dtmf(let digit): .dtmf(digit)
        case .hangUp: .hangUp
        case .bargeIn(let heard): .bargeIn(heard: heard)
        case .toolResult(let id, let ok, let detail): .toolResult(id: id, ok: ok, detail: detail)
        case .conference(let room): .conference(room: room)
        case .spoken: .spoken
        }
    }

    static func update(_ update: ConversationUpdate) -> UpdatePayload {
        switch update {
        case .say(let text): .say(text: text)
        case .transfer(let target): .transfer(target: target)
        case .ask(let question): .ask(question: question)
        }
    }

    static func body(_ event: WorkflowEvent<ConversationWorkflow>, redactDigits: Bool) -> HistoryEvent.Body {
        switch event {
        case .started(let input): .started(caller: input.caller, callee: input.callee)
        case .signal(let signal): .signal(self.signal(signal, redactDigits: redactDigits))
        case .update(let id, let update): .update(id: id.rawValue, self.update(update))
        case .timerFired(let id): .timerFired(timer: id.rawValue)
        case .activityCompleted(let id, let output): .activityCompleted(activity: id.rawValue, output: self.output(output))
        case .activityFailed(let id, let failure):
            .activityFailed(activity: id.rawValue, failure: ActivityFailureInfo(
                type: failure.type, message: failure.message, attempts: failure.attempts))
        case .scopeExpired(let id): .scopeExpired(scope: id.rawValue)
        case .cancelRequested: .cancelRequested
        }
    }

    static func output(_ output: ConversationActivityOutput) -> ActivityOutputInfo {
        switch output {
        case .reply(let text): ActivityOutputInfo(type: "reply", text: text)
        case .summary(let text): ActivityOutputInfo(type: "summary", text: text)
        case .agentReply(let text, let calls):
            ActivityOutputInfo(type: "agentReply", text: text, toolCalls: calls.isEmpty ? nil : calls.map(toolCall))
        case .toolOutput(let text): ActivityOutputInfo(type: "toolOutput", text: text)
        case .delivered(let status): ActivityOutputInfo(type: "delivered", text: "HTTP \(status)", status: status)
        }
    }

    static func state(_ state: ConversationState) -> ConversationStateInfo {
        ConversationStateInfo(
            caller: state.input.caller, callee: state.input.callee, agent: state.input.agent?.name,
            agentVersion: state.input.agent?.version, phase: phase(state.phase),
            startedAt: date(state.startedAt), turns: state.turns.map(turn), digits: state.digits,
            idleCount: state.idleCount, idleDeadline: state.idleDeadline.map(date),
            pendingReply: state.pendingReply?.rawValue, replyCount: state.replyCount,
            endReason: state.endReason?.description, summary: state.summary, continuations: state.continuations,
            activeTool: state.activeTool.map(toolCall), queuedTools: state.toolQueue.count, onHold: state.onHold,
            room: state.room, collectingDigits: state.collection != nil)
    }

    static func outcome(_ outcome: ConversationOutcome) -> OutcomeInfo {
        OutcomeInfo(reason: outcome.reason.description, summary: outcome.summary, digits: outcome.digits,
                    turnCount: outcome.turnCount, durationSeconds: seconds(outcome.duration), failed: false)
    }

    static func activityKind(_ activity: ConversationActivity) -> String {
        switch activity {
        case .reply: "reply"
        case .summarize: "summarize"
        case .agentReply: "agentReply"
        case .tool(_, let invocation, _): "tool \(invocation.name)"
        case .agentSummary: "agentSummary"
        case .webhook: "webhook"
        }
    }

    /// Whether the conversation keeps its digits private (its agent's settings say so).
    static func digitsArePrivate(_ machine: WorkflowMachine<ConversationWorkflow>) -> Bool {
        (machine.state?.input.agent?.settings ?? machine.definition.settings).digitsPrivate
    }
}

extension TurnInfo {
    /// The API form of a workflow turn.
    public init(_ turn: Turn) {
        self = ConversationMapping.turn(turn)
    }
}

extension ToolCallInfo {
    /// The API form of a tool the agent called.
    public init(_ invocation: ToolInvocation) {
        self = ConversationMapping.toolCall(invocation)
    }
}
