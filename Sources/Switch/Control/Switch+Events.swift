import Foundation
import Media
import Registrar
import Synchronization

/// Reporting to ``Switch/onEvent``: the hooks the call paths call, each cheap (a struct built on
/// the SIP thread and handed over; the receiver must not block).
extension Switch {
    /// Hands an event to the watcher, if any.
    func emit(_ kind: SwitchEvent.Kind, call: Call?, at time: Date = Date()) {
        emit(kind, callID: call?.callID, conversationID: call?.agent?.conversation.rawValue, at: time)
    }

    func emit(_ kind: SwitchEvent.Kind, callID: String?, conversationID: String? = nil, at time: Date = Date()) {
        guard let onEvent else { return }
        onEvent(SwitchEvent(time: time, callID: callID, conversationID: conversationID, kind: kind))
    }

    /// A call was registered (an INVITE we accepted). Originated calls were reported when they
    /// started ringing.
    func reportCallStarted(_ call: Call) {
        guard !call.ledger.originated else { return }
        emit(.callIncoming(from: Self.addressURI(call.from), to: dialled(call), trunk: trunkName(of: call),
                           direction: direction(of: call)), call: call, at: call.ledger.startedAt)
    }

    /// The call was answered (our 200 went out, or an originated call's callee answered).
    func reportCallAnswered(_ call: Call) {
        guard call.ledger.answeredAt == nil else { return }
        let now = Date()
        call.ledger.answeredAt = now
        emit(.callAnswered, call: call, at: now)
    }

    /// The call is over: returns what reports its end once its stream's statistics are in (the
    /// stream closes on its media thread). Called once per call from ``finish(_:)``.
    func callEnding(_ call: Call) -> @Sendable (MediaStatistics?) -> Void {
        // A blind transfer still ringing for the call (API or REFER) has nobody left to join.
        if let attempt = call.transfer {
            call.transfer = nil
            if let timer = attempt.timer { sip.cancelTimer(timer) }
            for leg in attempt.legs where !leg.ended {
                leg.ended = true
                if leg.answered { sip.bye(leg.handle) } else { sip.cancel(leg.handle) }
            }
            if let room = attempt.room, room !== call.room { room.close() }
        }
        guard !call.ledger.reported, let onEvent else { return { _ in } }
        call.ledger.reported = true
        let answered = call.ledger.answeredAt != nil
        var codecs = [call.audio?.codecName].compactMap { $0 } + call.ledger.formerCodecs
        if let codec = call.connected?.audio?.codecName { codecs.append(codec) }
        let recording = call.ledger.recordingPath ?? call.conference?.recordingPath
        let report = CallEndReport(
            callID: call.callID, from: from(of: call), to: to(of: call), direction: direction(of: call),
            trunk: trunkName(of: call), startedAt: call.ledger.startedAt, answeredAt: call.ledger.answeredAt,
            endedAt: Date(),
            disposition: CallOutcome.disposition(answered: answered, reason: call.endReason, bestFailure: call.bestFailure),
            cause: call.endReason, codecs: codecs, quality: nil, conversationID: call.agent?.conversation.rawValue,
            recordingPath: recording)
        let callID = call.callID
        let conversation = call.agent?.conversation.rawValue
        let sent = OnceFlag()
        let send: @Sendable (MediaStatistics?) -> Void = { stats in
            guard sent.claim() else { return }
            var final = report
            final.quality = stats.map(Self.quality)
            onEvent(SwitchEvent(time: final.endedAt, callID: callID, conversationID: conversation, kind: .callEnded(final)))
        }
        // The statistics come from the media thread; a loop that is stopping (shutdown) never
        // answers, and the end is reported without them.
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { send(nil) }
        return send
    }

    /// A blind transfer moved on.
    func reportTransfer(_ call: Call, _ attempt: TransferAttempt, _ stage: SwitchEvent.TransferStage) {
        // One transfer reports each stage once (a second 18x, or a stage its REFER already showed).
        guard attempt.shownStages.insert(stage).inserted else { return }
        emit(.transfer(target: attempt.target, stage: stage), call: call)
    }

    /// Wraps a hold/resume completion so its outcome is reported too.
    func reportingHold(_ party: Party, hold: Bool,
                       _ completion: @escaping (Result<Void, CallControlError>) -> Void)
        -> (Result<Void, CallControlError>) -> Void {
        let side: CallLegSide = party.inboundCall != nil ? .caller : .callee
        return { [weak self] result in
            if let self {
                let stage: SwitchEvent.HoldStage
                switch result {
                case .success: stage = hold ? .held : .resumed
                case .failure: stage = .failed
                }
                self.emit(.hold(leg: side, stage: stage), call: party.call)
            }
            completion(result)
        }
    }

    /// Our hold or resume re-INVITE went out.
    func reportHoldStarted(_ party: Party, hold: Bool) {
        let side: CallLegSide = party.inboundCall != nil ? .caller : .callee
        emit(.hold(leg: side, stage: hold ? .holding : .resuming), call: party.call)
    }

    /// What a REGISTER changed in the location service.
    func reportRegistration(_ changes: [BindingChange], user: String) {
        guard onEvent != nil, let pbx else { return }
        let total = pbx.location.bindingCount
        for change in changes {
            let kind: SwitchEvent.RegistrationChange
            switch change {
            case .added: kind = .registered
            case .refreshed: kind = .refreshed
            case .removed, .replaced: kind = .unregistered
            case .expired: kind = .expired
            }
            emit(.registration(user: change.binding.aor, contact: change.binding.contactURI, change: kind, bindings: total),
                 call: nil)
        }
    }

    /// Bindings that ran out (the purge timer).
    func reportExpired(_ bindings: [Binding]) {
        guard onEvent != nil, let pbx else { return }
        let total = pbx.location.bindingCount
        for binding in bindings {
            emit(.registration(user: binding.aor, contact: binding.contactURI, change: .expired, bindings: total), call: nil)
        }
    }

    /// What the agent's participant does, reported with the call and its conversation.
    func observeAgent(_ call: Call, _ participant: AgentParticipant) {
        guard let onEvent else { return }
        let callID = call.callID
        let conversation = participant.conversation.rawValue
        participant.observe { activity in
            onEvent(SwitchEvent(callID: callID, conversationID: conversation, kind: .agent(activity)))
        }
    }

    // MARK: What a call is, in words

    /// `sip:1001@host` from `"Name" <sip:1001@host>;tag=x`.
    static func addressURI(_ header: String) -> String {
        if let open = header.firstIndex(of: "<"), let close = header[open...].firstIndex(of: ">") {
            return String(header[header.index(after: open)..<close])
        }
        let bare = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? header
        return bare.trimmingCharacters(in: .whitespaces)
    }

    func from(of call: Call) -> String {
        call.ledger.originatedFrom ?? Self.addressURI(call.from)
    }

    func to(of call: Call) -> String {
        call.ledger.originatedTo ?? dialled(call)
    }

    /// The number the caller dialled, as the dialplan resolved it.
    func dialled(_ call: Call) -> String {
        switch call.target {
        case .service(let ext): ext.number
        case .user(let user): user
        case .trunk(_, let number): number
        case .conference(let room, _): room
        case .agent(_, let number): number
        case .pickup(let slot): slot
        }
    }

    func targetKind(of call: Call) -> String {
        switch call.target {
        case .service(let ext):
            if case .echo = ext.action { return "echo" }
            return "playback"
        case .user: return "user"
        case .trunk: return "trunk"
        case .conference: return "conference"
        case .agent: return "agent"
        case .pickup: return "pickup"
        }
    }

    func trunkName(of call: Call) -> String? {
        if case .trunk(let name, _) = call.target { return name }
        return call.ledger.inboundTrunk ?? call.ledger.originatedTrunk
    }

    func direction(of call: Call) -> CallSnapshot.Direction {
        if call.ledger.originated { return .outbound }
        if case .trunk = call.target { return .outbound }
        // A party Parley called on a trunk that became a call of its own (a transfer) stays outbound.
        if call.ledger.originatedTrunk != nil { return .outbound }
        if call.ledger.inboundTrunk != nil { return .inbound }
        return call.caller != nil ? .internal : .inbound
    }

    static func quality(_ stats: MediaStatistics) -> MediaQualitySnapshot {
        MediaQualitySnapshot(packetsReceived: stats.packetsReceived, packetsSent: stats.packetsSent,
                             packetsLost: stats.jitter.lost, jitterMilliseconds: stats.jitter.jitterMs,
                             roundTripMilliseconds: stats.roundTripMilliseconds)
    }
}

extension Party {
    /// The inbound call when this party is one (to tell caller from callee legs).
    var inboundCall: Call? {
        if case .inbound(let call) = self { return call }
        return nil
    }
}

/// True for the first ``claim()`` only, from any thread.
final class OnceFlag: Sendable {
    private let taken = Atomic<Bool>(false)

    func claim() -> Bool {
        !taken.exchange(true, ordering: .acquiringAndReleasing)
    }
}
