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
        TurnInfo(speaker: turn.speaker == .agent ? "agent" : "user", text: turn.text, at: date(turn.at),
                 interrupted: turn.interrupted)
    }

    static func signal(_ signal: ConversationSignal) -> SignalPayload {
        switch signal {
        case .transcript(let text, let isFinal): .transcript(text: text, isFinal: isFinal)
        case .dtmf(let digit): .dtmf(digit: digit)
        case .hangUp: .hangUp
        case .bargeIn(let heard): .bargeIn(heard: heard)
        }
    }

    static func signal(_ payload: SignalPayload) -> ConversationSignal {
        switch payload {
        case .transcript(let text, let isFinal): .transcript(text, isFinal: isFinal)
        case .dtmf(let digit): .dtmf(digit)
        case .hangUp: .hangUp
        case .bargeIn(let heard): .bargeIn(heard: heard)
        }
    }

    static func update(_ update: ConversationUpdate) -> UpdatePayload {
        switch update {
        case .say(let text): .say(text: text)
        case .transfer(let target): .transfer(target: target)
        case .ask(let question): .ask(question: question)
        }
    }

    static func body(_ event: WorkflowEvent<ConversationWorkflow>) -> HistoryEvent.Body {
        switch event {
        case .started(let input): .started(caller: input.caller, callee: input.callee)
        case .signal(let signal): .signal(self.signal(signal))
        case .update(let id, let update): .update(id: id.rawValue, self.update(update))
        case .timerFired(let id): .timerFired(timer: id.rawValue)
        case .activityCompleted(let id, .reply(let text)):
            .activityCompleted(activity: id.rawValue, output: ActivityOutputInfo(type: "reply", text: text))
        case .activityCompleted(let id, .summary(let text)):
            .activityCompleted(activity: id.rawValue, output: ActivityOutputInfo(type: "summary", text: text))
        case .activityFailed(let id, let failure):
            .activityFailed(activity: id.rawValue, failure: ActivityFailureInfo(
                type: failure.type, message: failure.message, attempts: failure.attempts))
        case .scopeExpired(let id): .scopeExpired(scope: id.rawValue)
        case .cancelRequested: .cancelRequested
        }
    }

    static func state(_ state: ConversationState) -> ConversationStateInfo {
        ConversationStateInfo(
            caller: state.input.caller, callee: state.input.callee, phase: phase(state.phase),
            startedAt: date(state.startedAt), turns: state.turns.map(turn), digits: state.digits,
            idleCount: state.idleCount, idleDeadline: state.idleDeadline.map(date),
            pendingReply: state.pendingReply?.rawValue, replyCount: state.replyCount,
            endReason: state.endReason?.description, summary: state.summary, continuations: state.continuations)
    }

    static func outcome(_ outcome: ConversationOutcome) -> OutcomeInfo {
        OutcomeInfo(reason: outcome.reason.description, summary: outcome.summary, digits: outcome.digits,
                    turnCount: outcome.turnCount, durationSeconds: seconds(outcome.duration), failed: false)
    }

    static func activityKind(_ activity: ConversationActivity) -> String {
        switch activity {
        case .reply: "reply"
        case .summarize: "summarize"
        }
    }
}
