import Foundation

/// Something that happened on a call, its agent, or the registrar, as shown live on the web
/// page and streamed at `GET /events`. Publishers (the switch, the agent, the registrar) send
/// these through ``ControlEventBus``; the bus wraps each in a ``ControlEventEnvelope`` with a
/// sequence number, a time and, where known, the call and conversation ids.
public enum ControlEvent: Sendable, Equatable {
    /// An INVITE arrived (or an originated call started ringing).
    case callIncoming(from: String, to: String, trunk: String?)
    case callAnswered
    /// The call ended; `disposition` as in call detail records ("answered", "busy"...).
    case callEnded(disposition: String, reason: String?)
    /// Speech recognised; partial results are replaced by later ones until `isFinal`.
    case transcript(text: String, isFinal: Bool)
    /// The agent started saying `text`.
    case agentSpeaking(text: String)
    /// The caller spoke over the agent; `heard` is what they heard of its turn.
    case agentInterrupted(heard: String)
    case toolCallStarted(tool: String, toolCallID: String, arguments: String?)
    case toolCallFinished(tool: String, toolCallID: String, ok: Bool, result: String?)
    /// A step of the call's conversation workflow was committed: `kind` "started",
    /// "signalReceived", "updateAccepted", "timerStarted", "timerCancelled", "timerFired",
    /// "activityCompleted", "activityFailed", "scopeExpired" or "cancelRequested"; `detail`
    /// names the signal, update, timer or activity; `firesAt` is a started timer's deadline.
    case workflowEvent(kind: String, detail: String?, firesAt: Date?)
    case dtmf(digit: String)
    case holdProgress(HoldStage)
    case transferProgress(stage: TransferStage, target: String)
    case registrationChanged(user: String, contact: String, change: RegistrationChange)

    public enum HoldStage: String, Codable, Sendable, Equatable, CaseIterable {
        case holding, held, resuming, resumed, failed
    }

    public enum TransferStage: String, Codable, Sendable, Equatable, CaseIterable {
        /// REFER sent (or the agent asked for a transfer).
        case requested
        /// The transferee is trying the target (NOTIFY 100 Trying / 180).
        case trying
        case completed
        case failed
    }

    public enum RegistrationChange: String, Codable, Sendable, Equatable, CaseIterable {
        case registered, refreshed, unregistered, expired
    }

    /// The `type` field on the wire and the SSE `event:` name.
    public var type: String {
        switch self {
        case .callIncoming: "callIncoming"
        case .callAnswered: "callAnswered"
        case .callEnded: "callEnded"
        case .transcript: "transcript"
        case .agentSpeaking: "agentSpeaking"
        case .agentInterrupted: "agentInterrupted"
        case .toolCallStarted: "toolCallStarted"
        case .toolCallFinished: "toolCallFinished"
        case .workflowEvent: "workflowEvent"
        case .dtmf: "dtmf"
        case .holdProgress: "holdProgress"
        case .transferProgress: "transferProgress"
        case .registrationChanged: "registrationChanged"
        }
    }

    /// Every `type` value, for documentation and tests.
    public static let allTypes = [
        "callIncoming", "callAnswered", "callEnded", "transcript", "agentSpeaking", "agentInterrupted",
        "toolCallStarted", "toolCallFinished", "workflowEvent", "dtmf", "holdProgress", "transferProgress",
        "registrationChanged",
    ]
}

/// A published event with its bus sequence number and context. On the wire it is one flat
/// JSON object: `{"sequence": 7, "time": "...", "type": "dtmf", "callID": "c-1",
/// "conversationID": "conv-1", "digit": "5"}`.
public struct ControlEventEnvelope: Codable, Sendable, Equatable {
    /// Increases by one per published event, across all subscribers (gaps mean drops).
    public var sequence: UInt64
    public var time: Date
    public var callID: CallID?
    public var conversationID: String?
    public var event: ControlEvent

    public init(sequence: UInt64, time: Date, callID: CallID?, conversationID: String?, event: ControlEvent) {
        self.sequence = sequence
        self.time = time
        self.callID = callID
        self.conversationID = conversationID
        self.event = event
    }

    private enum CodingKeys: String, CodingKey {
        case sequence, time, callID, conversationID, type
        case from, to, trunk, disposition, reason, text, isFinal, heard, tool, toolCallID, arguments, ok, result
        case digit, stage, target, user, contact, change, kind, detail, firesAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(time, forKey: .time)
        try c.encodeIfPresent(callID, forKey: .callID)
        try c.encodeIfPresent(conversationID, forKey: .conversationID)
        try c.encode(event.type, forKey: .type)
        switch event {
        case .callIncoming(let from, let to, let trunk):
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encodeIfPresent(trunk, forKey: .trunk)
        case .callAnswered:
            break
        case .callEnded(let disposition, let reason):
            try c.encode(disposition, forKey: .disposition)
            try c.encodeIfPresent(reason, forKey: .reason)
        case .transcript(let text, let isFinal):
            try c.encode(text, forKey: .text)
            try c.encode(isFinal, forKey: .isFinal)
        case .agentSpeaking(let text):
            try c.encode(text, forKey: .text)
        case .agentInterrupted(let heard):
            try c.encode(heard, forKey: .heard)
        case .toolCallStarted(let tool, let id, let arguments):
            try c.encode(tool, forKey: .tool)
            try c.encode(id, forKey: .toolCallID)
            try c.encodeIfPresent(arguments, forKey: .arguments)
        case .toolCallFinished(let tool, let id, let ok, let result):
            try c.encode(tool, forKey: .tool)
            try c.encode(id, forKey: .toolCallID)
            try c.encode(ok, forKey: .ok)
            try c.encodeIfPresent(result, forKey: .result)
        case .workflowEvent(let kind, let detail, let firesAt):
            try c.encode(kind, forKey: .kind)
            try c.encodeIfPresent(detail, forKey: .detail)
            try c.encodeIfPresent(firesAt, forKey: .firesAt)
        case .dtmf(let digit):
            try c.encode(digit, forKey: .digit)
        case .holdProgress(let stage):
            try c.encode(stage, forKey: .stage)
        case .transferProgress(let stage, let target):
            try c.encode(stage, forKey: .stage)
            try c.encode(target, forKey: .target)
        case .registrationChanged(let user, let contact, let change):
            try c.encode(user, forKey: .user)
            try c.encode(contact, forKey: .contact)
            try c.encode(change, forKey: .change)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try c.decode(UInt64.self, forKey: .sequence)
        time = try c.decode(Date.self, forKey: .time)
        callID = try c.decodeIfPresent(CallID.self, forKey: .callID)
        conversationID = try c.decodeIfPresent(String.self, forKey: .conversationID)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "callIncoming":
            event = .callIncoming(from: try c.decode(String.self, forKey: .from), to: try c.decode(String.self, forKey: .to),
                                  trunk: try c.decodeIfPresent(String.self, forKey: .trunk))
        case "callAnswered": event = .callAnswered
        case "callEnded":
            event = .callEnded(disposition: try c.decode(String.self, forKey: .disposition),
                               reason: try c.decodeIfPresent(String.self, forKey: .reason))
        case "transcript":
            event = .transcript(text: try c.decode(String.self, forKey: .text),
                                isFinal: try c.decode(Bool.self, forKey: .isFinal))
        case "agentSpeaking": event = .agentSpeaking(text: try c.decode(String.self, forKey: .text))
        case "agentInterrupted": event = .agentInterrupted(heard: try c.decode(String.self, forKey: .heard))
        case "toolCallStarted":
            event = .toolCallStarted(tool: try c.decode(String.self, forKey: .tool),
                                     toolCallID: try c.decode(String.self, forKey: .toolCallID),
                                     arguments: try c.decodeIfPresent(String.self, forKey: .arguments))
        case "toolCallFinished":
            event = .toolCallFinished(tool: try c.decode(String.self, forKey: .tool),
                                      toolCallID: try c.decode(String.self, forKey: .toolCallID),
                                      ok: try c.decode(Bool.self, forKey: .ok),
                                      result: try c.decodeIfPresent(String.self, forKey: .result))
        case "workflowEvent":
            event = .workflowEvent(kind: try c.decode(String.self, forKey: .kind),
                                   detail: try c.decodeIfPresent(String.self, forKey: .detail),
                                   firesAt: try c.decodeIfPresent(Date.self, forKey: .firesAt))
        case "dtmf": event = .dtmf(digit: try c.decode(String.self, forKey: .digit))
        case "holdProgress": event = .holdProgress(try c.decode(ControlEvent.HoldStage.self, forKey: .stage))
        case "transferProgress":
            event = .transferProgress(stage: try c.decode(ControlEvent.TransferStage.self, forKey: .stage),
                                      target: try c.decode(String.self, forKey: .target))
        case "registrationChanged":
            event = .registrationChanged(user: try c.decode(String.self, forKey: .user),
                                         contact: try c.decode(String.self, forKey: .contact),
                                         change: try c.decode(ControlEvent.RegistrationChange.self, forKey: .change))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type \"\(type)\"")
        }
    }
}
