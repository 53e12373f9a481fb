import Foundation
import Logging
import Media
import ParleyConfig
import SDP
import Registrar
import SIP

/// Where an inbound call goes: a service extension of the dialplan or a registered user.
enum CallTarget {
    case service(ParleyConfiguration.Extension)
    case user(String)
    case trunk(name: String, number: String)
    case conference(room: String, ParleyConfiguration.ConferenceSettings)
    /// The AI agent `name` answers (dialled as `number`).
    case agent(name: String, number: String)
    /// The caller picks up the call parked in `slot` (Switch+Park.swift).
    case pickup(slot: String)
}

/// One inbound call leg and what it is connected to. Lives on the SIP thread only.
final class Call {
    enum Phase: Equatable {
        /// INVITE received, no final response yet (ringing or early media).
        case offered
        /// 200 sent, waiting for the ACK.
        case answered
        /// ACK received: the call is up.
        case confirmed
        /// We sent BYE or a final error; waiting for the dialog to end.
        case ending
        case ended
    }

    let handle: SIPHandle
    let callID: String
    let target: CallTarget
    let stream: MediaStream
    let startedAt = ContinuousClock.now
    var logger: Logger
    var phase: Phase = .offered
    var local: LocalAudio
    var audio: NegotiatedAudio?
    /// We put an offer in our last 200 (delayed offer or re-INVITE without SDP); its answer comes in the ACK.
    var pendingOffer: PendingOffer?
    /// The SDP we answer a retransmitted or repeated request with.
    var lastLocalSDP: String?
    var answerTimer: UInt64?
    var endReason = "unknown"
    let from: String
    var answeredAt: ContinuousClock.Instant?
    /// Digits the caller pressed, in order.
    var digits: [Character] = []
    /// Forks ringing for a user call, and the one that answered.
    var legs: [OutboundLeg] = []
    var connected: OutboundLeg?
    /// The best final status among failed forks (486 beats 480 ...), for the caller's final response.
    var bestFailure = 480
    /// The two-party room this call's legs meet in (user and trunk calls).
    var room: Room?
    /// Who placed the call (authenticated user or trunk caller), for caller ID on onward legs.
    var caller: DirectoryUser?
    /// A transfer in progress (a REFER, or the control API's).
    var transfer: TransferAttempt?
    /// A REFER Parley sent the caller's provider, while it is under way (Switch+ReferTransfer.swift).
    var referTransfer: ReferTransfer?
    /// The Allow header values of the caller's INVITE, or of the 200 that answered an originated
    /// call (whether the far end accepts REFER, ...).
    var remoteAllow: [String] = []
    /// The transfer stages a REFER to the provider already reported, while its fall-back to a
    /// transfer inside Parley starts (so one transfer reports each stage once).
    var stagesShownByRefer: Set<SwitchEvent.TransferStage> = []
    /// The leg that took the caller's place after the caller blind-transferred its callee (a
    /// REFER on the caller's dialog): while it is set the call lives on without its caller, the
    /// callee (``connected``) and this leg talking in ``room``, and ends when either leaves.
    var standIn: OutboundLeg?
    /// The caller's dialog is over while a stand-in keeps the call going (its end is deferred).
    var callerGone = false
    /// The conference this call is in, its role there and its own controls.
    var conference: Conference?
    var conferenceRole: ConferenceRole = .none
    var conferenceMuted = false
    var conferenceHearVolume = 0
    var conferenceTalkVolume = 0
    /// The AI agent in this call (target `agent`), while it is there.
    var agent: AgentLink?
    /// Parley's own call control on this leg: our re-INVITEs (hold), a bridged inbound peer.
    let control: LegControl
    /// Parley sent this dialog's INVITE (an originated call, or a callee leg that became a call of
    /// its own): Parley is its UAC and generated its Call-ID (RFC 3261 §14.1 glare wait).
    var dialledByParley = false
    /// The call this one was split off by a transfer (a leg Parley placed that became a call of
    /// its own, Switch+LegPromotion.swift); nil for a call that started as one.
    var transferredFrom: String?
    /// What the control plane notes about the call (times, origin, API changes).
    var ledger = CallLedger()

    /// The dialplan extension when the call is for a service.
    var service: ParleyConfiguration.Extension? {
        if case .service(let ext) = target { return ext }
        return nil
    }

    init(handle: SIPHandle, callID: String, from: String, target: CallTarget, stream: MediaStream,
         local: LocalAudio, logger: Logger, control: LegControl = LegControl()) {
        self.handle = handle
        self.control = control
        self.callID = callID
        self.from = from
        self.target = target
        self.stream = stream
        self.local = local
        self.logger = logger
    }

    /// PCM rate of the negotiated codec (8 kHz for G.711, 16 kHz for G.722, 48 kHz for Opus).
    var sampleRate: Int { audio?.codec.encoding.naturalSampleRate ?? 8000 }

    /// Our next SDP version (RFC 3264 §8: each new offer or answer from us bumps o= version).
    func nextLocal() -> LocalAudio {
        local.sessionVersion += 1
        return local
    }

    var isUp: Bool { phase == .answered || phase == .confirmed }

    /// Conferences and agents are answered by Parley itself (no onward leg to wait for).
    var isAnsweredByParley: Bool {
        switch target {
        case .conference, .agent, .pickup: return true
        case .service, .user, .trunk: return false
        }
    }
}

/// One outgoing fork of a user call (B2BUA: each leg is ours). SIP thread only.
final class OutboundLeg {
    let handle: SIPHandle
    let contact: String
    let stream: MediaStream
    let offer: PendingOffer
    /// Our side of the leg's SDP (re-INVITEs from the callee are answered with its next version).
    var local: LocalAudio
    weak var call: Call?
    var audio: NegotiatedAudio?
    var answered = false
    var ended = false
    /// Credentials for a provider's 401/407 (trunk legs), and whether they were tried.
    var credentials: (user: String, password: String, realm: String?)?
    var authTried = false
    /// The directory user this leg rings (a fork of a user call), for finding a shared party.
    var user: String?
    /// The trunk this leg was placed on (a call out, a transfer target on a trunk).
    var trunkName: String?
    /// The Allow header values of the 200 that answered this leg (whether it accepts REFER, ...).
    var remoteAllow: [String] = []
    /// Parley's own call control on this leg (our hold re-INVITEs).
    let control = LegControl()

    init(handle: SIPHandle, contact: String, stream: MediaStream, offer: PendingOffer, local: LocalAudio, call: Call) {
        self.handle = handle
        self.local = local
        self.contact = contact
        self.stream = stream
        self.offer = offer
        self.call = call
    }

    func nextLocal() -> LocalAudio {
        local.sessionVersion += 1
        return local
    }
}
