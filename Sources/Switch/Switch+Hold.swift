import Foundation
import Logging
import Media
import SDP
import SIP

/// Parley-initiated hold and resume (RFC 3264 §8.4, RFC 6337 §5): Parley re-INVITEs one leg with
/// its next SDP version saying `sendonly` (`inactive` when the far end already holds us), the held
/// party hears music on hold and the rest of its room stops hearing it; resume offers `sendrecv`.
/// While we hold a leg, our answers to its own re-INVITEs keep the hold. A 491 (glare) is retried
/// after RFC 3261 §14.1's random delay, at most ``ReinviteAttempt/maximumAttempts`` times in all;
/// a re-INVITE of theirs that crosses ours is answered 491.
extension Switch {
    /// Puts one leg of a call on hold: a re-INVITE with `a=sendonly`, then music on hold to that
    /// leg while the others in its room no longer hear it. Returns when the far end has accepted
    /// the re-INVITE; throws ``CallControlError`` otherwise (the leg then stays as it was).
    /// `callID` is the Call-ID of the call's inbound leg. Safe from any thread.
    public func hold(callID: String, leg: CallLegSide = .caller) async throws(CallControlError) {
        try await reinvite(callID: callID, side: leg, hold: true)
    }

    /// Takes a leg Parley put on hold off hold: a re-INVITE with `a=sendrecv`, then the leg is
    /// bridged with its room again. Same rules as ``hold(callID:leg:)``.
    public func resume(callID: String, leg: CallLegSide = .caller) async throws(CallControlError) {
        try await reinvite(callID: callID, side: leg, hold: false)
    }

    private func reinvite(callID: String, side: CallLegSide, hold: Bool) async throws(CallControlError) {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<Void, CallControlError>, Never>) in
            sip.perform { [self] in
                requestHold(callID: callID, side: side, hold: hold) { done.resume(returning: $0) }
            }
        }
        try result.get()
    }

    /// Finds the leg and starts the re-INVITE (SIP thread). `completion` runs exactly once.
    func requestHold(callID: String, side: CallLegSide, hold: Bool,
                     completion: @escaping (Result<Void, CallControlError>) -> Void) {
        guard !shuttingDown else { return completion(.failure(.shuttingDown)) }
        guard let call = calls.values.first(where: { $0.callID == callID && $0.phase != .ended }) else {
            return completion(.failure(.unknownCall(callID)))
        }
        let party: Party
        switch side {
        case .caller:
            party = .inbound(call)
        case .callee:
            if let leg = call.connected {
                party = .outbound(leg)
            } else if let peer = call.control.peer {
                party = .inbound(peer)
            } else {
                return completion(.failure(.noSuchLeg(callID: callID, side: side)))
            }
        }
        setHold(party, hold: hold, completion: completion)
    }

    /// Sends the hold or resume re-INVITE on `party` (SIP thread).
    func setHold(_ party: Party, hold: Bool, completion: @escaping (Result<Void, CallControlError>) -> Void) {
        let completion = reportingHold(party, hold: hold, completion)
        let control = party.control
        if case .inbound(let call) = party, call.phase != .confirmed {
            // Answered but not yet ACKed: our INVITE transaction as UAS is still open.
            return completion(.failure(.wrongState("the call is not answered yet")))
        }
        guard party.dialogState == .confirmed, let current = party.audio else {
            return completion(.failure(.wrongState("the leg is not answered")))
        }
        guard control.reinvite == nil else { return completion(.failure(.wrongState("a re-INVITE is already in flight"))) }
        guard control.heldByUs != hold else {
            return completion(.failure(.wrongState(hold ? "the leg is already on hold" : "the leg is not on hold")))
        }
        let attempt = ReinviteAttempt(machine: HoldReinvite(hold: hold, farEndLetsUsSend: current.direction.sends,
                                                            ownsCallID: party.ownsCallID),
                                      completion: completion)
        control.reinvite = attempt
        reportHoldStarted(party, hold: hold)
        party.call?.logger.info(hold ? "putting a leg on hold" : "resuming a held leg",
                                metadata: ["leg": "\(party.logName)", "direction": "\(attempt.machine.direction.rawValue)"])
        carryOut(attempt.machine.start(), attempt, on: party)
    }

    /// A response to our own re-INVITE on `party`; false when there is none in flight (the
    /// response belongs to someone else: the initial INVITE, a transfer).
    func handleOwnReinviteResponse(_ event: SIPEvent, party: Party) -> Bool {
        guard let attempt = party.control.reinvite else { return false }
        guard party.dialogState == .confirmed else {
            abortReinvite(party.control)
            return true
        }
        var random = SystemRandomNumberGenerator()
        let actions = attempt.machine.handle(.response(status: event.status), random: &random)
        carryOut(actions, attempt, on: party, response: event)
        return true
    }

    /// The leg ended: a pending re-INVITE reports it and its retry timer stops.
    func abortReinvite(_ control: LegControl) {
        guard let attempt = control.reinvite else { return }
        control.reinvite = nil
        if let timer = attempt.timer { sip.cancelTimer(timer) }
        var random = SystemRandomNumberGenerator()
        _ = attempt.machine.handle(.legEnded, random: &random)
        attempt.finish(.failure(.callEnded))
    }

    /// Carries out what the machine asked for.
    private func carryOut(_ actions: [HoldReinvite.Action], _ attempt: ReinviteAttempt, on party: Party, response: SIPEvent? = nil) {
        let logger = party.call?.logger ?? self.logger
        for action in actions {
            switch action {
            case .sendOffer(let direction):
                let (offer, pending) = AudioNegotiation.offer(local: party.nextLocal(), direction: direction)
                attempt.offer = pending
                let sdp = offer.serialized()
                if case .inbound(let call) = party { call.lastLocalSDP = sdp }
                sip.invite(party.handle, requestURI: nil, sdp: sdp)
            case .scheduleRetry(let delay):
                logger.info("re-INVITE glare (491); retrying", metadata: ["after-ms": "\(delay)", "attempt": "\(attempt.machine.attempts)"])
                attempt.timer = sip.schedule(after: delay) { [weak self] in
                    guard let self, party.control.reinvite === attempt else { return }
                    attempt.timer = nil
                    guard party.dialogState == .confirmed else { return self.abortReinvite(party.control) }
                    var random = SystemRandomNumberGenerator()
                    self.carryOut(attempt.machine.handle(.retryTimerFired, random: &random), attempt, on: party)
                }
            case .applyAnswer:
                party.control.reinvite = nil
                let answer = response?.message.flatMap { try? SDPBody.read($0) }
                guard let answer, let offer = attempt.offer,
                      let audio = try? AudioNegotiation.accept(answer: answer, offer: offer) else {
                    logger.warning("re-INVITE answer missing or not usable; the leg stays as it was")
                    attempt.finish(.failure(.rejected(status: 488)))
                    continue
                }
                party.apply(audio)
                party.control.heldByUs = attempt.machine.hold
                applyHoldMedia(party, hold: attempt.machine.hold)
                logger.info(attempt.machine.hold ? "leg held by Parley" : "leg resumed by Parley",
                            metadata: ["leg": "\(party.logName)", "their-direction": "\(audio.direction.reversed.rawValue)"])
                attempt.finish(.success(()))
            case .fail(let error):
                party.control.reinvite = nil
                logger.info("re-INVITE failed; the leg stays as it was", metadata: ["reason": "\(error)"])
                attempt.finish(.failure(error))
            case .endDialog(let status):
                if let call = party.call { hangUp(call, reason: "re-INVITE answered \(status)") }
            }
        }
    }

    /// Music on hold to the held leg (the room stops hearing it), or the bridge back on resume.
    private func applyHoldMedia(_ party: Party, hold: Bool) {
        if let room = party.room {
            room.setParked(party.stream.id, music: hold ? holdMusic(for: room) : nil)
            if !hold, case .inbound(let call) = party, call.conferenceMuted { room.setMuted(call.stream.id, true) }
            return
        }
        guard case .inbound(let call) = party else { return }
        if hold {
            do {
                let clip = try sounds.clip(at: configuration.soundFile("music/hold", sampleRate: call.sampleRate), sampleRate: call.sampleRate)
                call.stream.play(.sound(clip, loop: true))
            } catch {
                call.logger.error("no hold music: \(error)")
                call.stream.play(.silence)
            }
        } else {
            startSource(for: call)
        }
    }

    /// While Parley holds a leg, an answer to the leg's own offer keeps the hold (RFC 6337 §5.2):
    /// we never agree to receive from it, so sendrecv becomes sendonly and recvonly inactive.
    func keepingOurHold(_ answer: SessionDescription, _ audio: NegotiatedAudio, control: LegControl)
        -> (SessionDescription, NegotiatedAudio)
    {
        control.heldByUs ? Self.holding(answer, audio) : (answer, audio)
    }

    /// `answer` and `audio` narrowed to what a holder agrees to: send, never receive.
    static func holding(_ answer: SessionDescription, _ audio: NegotiatedAudio) -> (SessionDescription, NegotiatedAudio) {
        let held = audio.direction.intersection(.sendonly)
        var sdp = answer
        let directions = Set(MediaDirection.allCases.map(\.rawValue))
        for index in sdp.media.indices where sdp.media[index].media == "audio" && sdp.media[index].port != 0 {
            sdp.media[index].attributes.removeAll { directions.contains($0.name) }
            sdp.media[index].attributes.append(Attribute(name: held.rawValue, value: nil))
        }
        var capped = audio
        capped.direction = held
        return (sdp, capped)
    }
}
