import Foundation
import Workflow

/// A step of a call's conversation workflow as the host shows it live: a signal received, an
/// update accepted, a timer started, fired or cancelled, an activity done. The conversation's
/// history stays the record (with payloads); a notice names the step and never carries what
/// the caller said or keyed.
public struct ConversationNotice: Sendable, Equatable {
    /// "started", "signalReceived", "updateAccepted", "timerStarted", "timerCancelled",
    /// "timerFired", "activityCompleted", "activityFailed", "scopeExpired", "cancelRequested".
    public var kind: String
    /// Which signal, update, timer or activity ("dtmf", "say", "idle", "reply-3").
    public var detail: String
    /// When a started timer is due.
    public var firesAt: Date?

    public init(kind: String, detail: String, firesAt: Date? = nil) {
        self.kind = kind
        self.detail = detail
        self.firesAt = firesAt
    }

    /// Every kind, for documentation and tests.
    public static let kinds = [
        "started", "signalReceived", "updateAccepted", "timerStarted", "timerCancelled", "timerFired",
        "activityCompleted", "activityFailed", "scopeExpired", "cancelRequested",
    ]

    /// The notices of one committed event: the event itself, then the timers its handling
    /// started or cancelled.
    public static func notices(_ committed: CommittedEvent<ConversationWorkflow>) -> [ConversationNotice] {
        var notices = [event(committed.event)]
        for command in committed.commands {
            switch command {
            case .startTimer(let timer, let at, _):
                notices.append(ConversationNotice(kind: "timerStarted", detail: timer.rawValue,
                                                  firesAt: Date(timeIntervalSince1970: Double(at.milliseconds) / 1000)))
            case .cancelTimer(let timer):
                notices.append(ConversationNotice(kind: "timerCancelled", detail: timer.rawValue))
            default:
                break
            }
        }
        return notices
    }

    private static func event(_ event: WorkflowEvent<ConversationWorkflow>) -> ConversationNotice {
        switch event {
        case .started: ConversationNotice(kind: "started", detail: "")
        case .signal(let signal): ConversationNotice(kind: "signalReceived", detail: name(of: signal))
        case .update(_, let update): ConversationNotice(kind: "updateAccepted", detail: name(of: update))
        case .timerFired(let timer): ConversationNotice(kind: "timerFired", detail: timer.rawValue)
        case .activityCompleted(let activity, _): ConversationNotice(kind: "activityCompleted", detail: activity.rawValue)
        case .activityFailed(let activity, let failure):
            ConversationNotice(kind: "activityFailed", detail: "\(activity.rawValue): \(failure.type)")
        case .scopeExpired(let scope): ConversationNotice(kind: "scopeExpired", detail: scope.rawValue)
        case .cancelRequested: ConversationNotice(kind: "cancelRequested", detail: "")
        }
    }

    static func name(of signal: ConversationSignal) -> String {
        switch signal {
        case .transcript(_, let isFinal): isFinal ? "transcript" : "partialTranscript"
        case .dtmf: "dtmf"
        case .hangUp: "hangUp"
        case .bargeIn: "bargeIn"
        case .toolResult: "toolResult"
        case .conference: "conference"
        case .spoken: "spoken"
        }
    }

    static func name(of update: ConversationUpdate) -> String {
        switch update {
        case .say: "say"
        case .transfer: "transfer"
        case .ask: "ask"
        }
    }
}
