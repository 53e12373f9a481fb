import Foundation

/// Something that happened in the switch, for whoever watches it from outside (the control plane
/// publishes these as live events, counts them in metrics and writes call records from them).
/// Delivered through ``Switch/onEvent``; `callID` names the call as the API does (the Call-ID of
/// its inbound leg, or the id ``Switch/originate(_:)`` returned), `conversationID` the agent's
/// conversation workflow when the call has one.
public struct SwitchEvent: Sendable {
    public var time: Date
    public var callID: String?
    public var conversationID: String?
    public var kind: Kind

    public init(time: Date = Date(), callID: String?, conversationID: String? = nil, kind: Kind) {
        self.time = time
        self.callID = callID
        self.conversationID = conversationID
        self.kind = kind
    }

    public enum Kind: Sendable {
        /// A call started: an INVITE arrived, or an originated call started ringing.
        case callIncoming(from: String, to: String, trunk: String?, direction: CallSnapshot.Direction)
        case callAnswered
        /// The call is over; one per call, after its media closed (so with its statistics).
        case callEnded(CallEndReport)
        /// A key the caller pressed (RFC 4733, in-band or SIP INFO).
        case dtmf(digit: Character)
        /// Parley's own hold or resume of one leg (``Switch/hold(callID:leg:)``).
        case hold(leg: CallLegSide, stage: HoldStage)
        /// A blind transfer asked for by a REFER or the API.
        case transfer(target: String, stage: TransferStage)
        /// A phone registered, refreshed, unregistered or expired; `bindings` is the total after it.
        case registration(user: String, contact: String, change: RegistrationChange, bindings: Int)
        /// The AI participant heard, said or was cut off.
        case agent(AgentActivity)
    }

    public enum HoldStage: String, Sendable, CaseIterable {
        case holding, held, resuming, resumed, failed
    }

    public enum TransferStage: String, Sendable, CaseIterable {
        case requested, trying, completed, failed
    }

    public enum RegistrationChange: String, Sendable, CaseIterable {
        case registered, refreshed, unregistered, expired
    }

    /// What the AI participant of a call did.
    public enum AgentActivity: Sendable, Equatable {
        /// What the recogniser made of the caller's speech (partials are replaced by the final).
        case transcript(text: String, isFinal: Bool)
        /// The agent started a sentence.
        case speaking(text: String)
        /// The caller spoke over the agent; `heard` is what reached them.
        case interrupted(heard: String)
        /// From the end of the caller's utterance (its final transcript) to the agent's next
        /// sentence starting.
        case turnLatency(seconds: Double)
        /// From the end of the caller's speech to the recognizer's final result.
        case sttLatency(seconds: Double)
        /// From asking for a sentence (with nothing else queued) to its first audio going out.
        case ttsLatency(seconds: Double)
        /// The agent called a tool (`id` as in the conversation's history, "call-2");
        /// `arguments` summarises what it asked for.
        case toolCallStarted(name: String, id: String, arguments: String)
        /// The tool call ended; `detail` is its outcome as the conversation records it.
        case toolCallFinished(name: String, id: String, ok: Bool, detail: String)
        /// A step of the conversation workflow was committed (``ConversationNotice`` kinds:
        /// "signalReceived", "timerStarted", "timerFired"...); `firesAt` for a started timer.
        case workflow(kind: String, detail: String, firesAt: Date?)
    }
}

/// A finished call, with what a call detail record needs.
public struct CallEndReport: Sendable, Equatable {
    public var callID: String
    public var from: String
    public var to: String
    public var direction: CallSnapshot.Direction
    public var trunk: String?
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date
    public var disposition: Disposition
    /// Why it ended, for people ("caller hung up", "callee refused (486)").
    public var cause: String
    /// The codecs used on the call's legs, caller first.
    public var codecs: [String]
    /// The caller leg's media, counted when its stream closed.
    public var quality: MediaQualitySnapshot?
    public var conversationID: String?
    public var recordingPath: String?

    public init(callID: String, from: String, to: String, direction: CallSnapshot.Direction, trunk: String?,
                startedAt: Date, answeredAt: Date?, endedAt: Date, disposition: Disposition, cause: String,
                codecs: [String], quality: MediaQualitySnapshot?, conversationID: String?, recordingPath: String?) {
        self.callID = callID
        self.from = from
        self.to = to
        self.direction = direction
        self.trunk = trunk
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.disposition = disposition
        self.cause = cause
        self.codecs = codecs
        self.quality = quality
        self.conversationID = conversationID
        self.recordingPath = recordingPath
    }

    /// How a call ended, in the usual call-record words.
    public enum Disposition: String, Sendable, CaseIterable {
        case answered
        /// Rang without an answer (timeout, 408, 480 from the phone).
        case noAnswer = "no_answer"
        /// 486 or 600.
        case busy
        /// Refused by the callee (403, 603) or by the dialplan.
        case rejected
        /// The caller gave up while it rang.
        case cancelled
        /// Not registered, unroutable, media or network failure.
        case failed

        /// The disposition of an unanswered call from the final status it got (or would get).
        public static func unanswered(status: Int) -> Disposition {
            switch status {
            case 486, 600: .busy
            case 403, 603: .rejected
            case 408, 480, 487: .noAnswer
            default: .failed
            }
        }
    }
}

/// Media counters of one leg, live or at its end.
public struct MediaQualitySnapshot: Sendable, Equatable {
    public var packetsReceived: Int
    public var packetsSent: Int
    /// Sequence numbers that were due and never arrived.
    public var packetsLost: Int
    /// RFC 3550 interarrival jitter, in milliseconds.
    public var jitterMilliseconds: Double
    /// From RTCP, when the far end sends reports.
    public var roundTripMilliseconds: Double?

    public init(packetsReceived: Int, packetsSent: Int, packetsLost: Int, jitterMilliseconds: Double,
                roundTripMilliseconds: Double?) {
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
    }

    /// Lost packets as a percentage of those expected.
    public var lossPercent: Double {
        let expected = packetsReceived + packetsLost
        return expected == 0 ? 0 : Double(packetsLost) * 100 / Double(expected)
    }
}
