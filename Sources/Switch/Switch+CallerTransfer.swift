import Foundation
import Logging
import Media
import Registrar
import SIP

/// Blind transfer from the caller's side (RFC 5589 §6 with the roles swapped): A called B through
/// Parley and sends REFER on its own dialog naming C. B, the leg Parley placed, is the transferee.
/// - C rings (a user's phones or a trunk number): when C answers, C takes A's place in the call's
///   room (a "stand-in" leg), A hears NOTIFY 200 and is sent BYE if it does not hang up within
///   2 s. The call then lives on without its inbound dialog: B and C talk, and the call (its
///   record, its events) ends once, when either of them leaves.
/// - C answers by itself (a conference, the AI agent, a parking slot): B's leg becomes a call of
///   its own (Switch+LegPromotion.swift) that goes there at once, with its own record and events;
///   A hears NOTIFY 200 and its call ends ("transferred", BYE after 2 s unless A hangs up first).
/// A target that fails before anything happened (unknown, full, busy, missing) is reported in the
/// NOTIFY and A and B stay connected. SIP thread only.
extension Switch {
    /// A blind REFER on the caller's dialog (its Refer-To has no Replaces). `tryingSent`: the
    /// caller already had its NOTIFY 100 (a fall-back from asking the provider).
    func handleCallerBlindRefer(_ message: SIPMessage, call: Call, event eventName: String, tryingSent: Bool = false) {
        guard call.isUp, let callee = call.connected, callee.answered, !callee.ended, call.standIn == nil else {
            call.logger.info("caller's transfer refused: no connected callee", metadata: ["refer-to": "\(message.header("Refer-To") ?? "-")"])
            notifyTransfer(call.handle, event: eventName, status: 481, final: true)
            return
        }
        guard call.transfer == nil, callee.control.reinvite == nil else {
            notifyTransfer(call.handle, event: eventName, status: 491, final: true)
            return
        }
        guard let referTo = message.header("Refer-To"), let number = Self.referTarget(referTo) else {
            call.logger.info("REFER without a usable Refer-To", metadata: ["refer-to": "\(message.header("Refer-To") ?? "-")"])
            notifyTransfer(call.handle, event: eventName, status: 400, final: true)
            return
        }
        let referredBy = message.header("Referred-By")
        call.logger.info("blind transfer requested by the caller", metadata: ["target": "\(number)", "transferee": "\(callee.contact)",
                                                                               "referred-by": "\(referredBy ?? "-")"])
        if !tryingSent { notifyTransfer(call.handle, event: eventName, status: 100, final: false) }
        if let refusal = ringForCallee(call, callee: callee, target: number, event: eventName,
                                       headers: referredBy.map { ["Referred-By: \($0)"] } ?? []) {
            call.logger.info("blind transfer failed before ringing", metadata: ["target": "\(number)", "why": "\(refusal)"])
            notifyTransfer(call.handle, event: eventName, status: Self.notifyStatus(for: refusal), final: true)
        }
    }

    /// Rings `target` for the callee (caller ID: the callee's user), or sends the callee where
    /// Parley answers it itself. Nil once that is under way (or done), else why not (nothing changed).
    private func ringForCallee(_ call: Call, callee: OutboundLeg, target: String, event: String,
                               headers: [String]) -> CallControlError? {
        guard let room = call.room else { return .wrongState("the call has no room") }
        let transferee = Self.userPart(of: callee.contact).map { DirectoryUser(username: $0, secret: .password(""), callerIDName: nil) }
        let attempt = TransferAttempt(transferor: nil, event: event, target: target)
        attempt.fromCaller = true
        var seconds = Self.transferRingSeconds
        switch transferDestination(for: target) {
        case .user(let user, let ring):
            guard let pbx else { return .unknownTarget(target) }
            let contacts = pbx.location.contacts(for: user, now: Date())
            guard !contacts.isEmpty else { return .unreachable(target: target, status: 480) }
            attempt.legs = fork(call, to: user, contacts: contacts, caller: transferee, room: room, headers: headers)
            seconds = ring
        case .trunk(let name, let number):
            attempt.legs = [trunkLeg(call, trunkName: name, number: number, caller: transferee, room: room, headers: headers)].compactMap { $0 }
        case .conference(let name, let settings):
            guard conferenceHasRoom(name, settings: settings) else { return .unreachable(target: target, status: 486) }
            sendCallee(callee, of: call, target: target, as: .conference(room: name, settings), event: event) { promoted in
                self.enterConference(promoted, name: name, settings: settings, moderator: false) != nil
            }
            return nil
        case .agent(let name, let number):
            guard agents?.catalog.current(named: name) != nil else { return .unreachable(target: target, status: 503) }
            sendCallee(callee, of: call, target: target, as: .agent(name: name, number: number), event: event) { promoted in
                self.startAgent(promoted, name: name, number: number)
                return promoted.agent != nil
            }
            return nil
        case .park(let slot, let timeout):
            guard parkingLot[slot].flatMap({ liveParked($0) }) == nil else { return .unreachable(target: target, status: 486) }
            // Nobody picking the call up rings the caller who parked it (when it is one of our users).
            let parker = call.caller.flatMap { pbx?.directory.user($0.username) }?.username
            sendCallee(callee, of: call, target: target, as: .pickup(slot: slot), event: event) { promoted in
                self.park(promoted, slot: slot, timeoutSeconds: timeout, parker: parker)
                return true
            }
            return nil
        case .service:
            return .notSupported("\(target) is a service; a call cannot be transferred to it")
        case .rejected(let status):
            return .unreachable(target: target, status: status)
        case .unknown:
            return .unknownTarget(target)
        }
        guard !attempt.legs.isEmpty else { return .unreachable(target: target, status: 503) }
        startTransfer(attempt, on: call, ringSeconds: seconds)
        return nil
    }

    /// A target Parley answers itself: the callee's leg becomes a call of its own for `newTarget`
    /// and `enter` puts it there; the caller's part is over (NOTIFY with the outcome, then its
    /// call ends). A target that takes nobody in after all (the agent's voice cannot start) ends
    /// the callee's new call too: the caller's NOTIFY says 503.
    private func sendCallee(_ callee: OutboundLeg, of call: Call, target: String, as newTarget: CallTarget, event: String,
                            enter: (Call) -> Bool) {
        emit(.transfer(target: target, stage: .requested), call: call)
        let promoted = promote(callee, of: call, to: newTarget)
        if enter(promoted) {
            call.logger.info("blind transfer completed", metadata: ["target": "\(target)", "transferee": "\(callee.contact)",
                                                                    "by": "caller", "answered-by": "parley",
                                                                    "transferee-call": "\(promoted.callID)"])
            emit(.transfer(target: target, stage: .completed), call: call)
            notifyTransfer(call.handle, event: event, status: 200, final: true)
        } else {
            call.logger.info("blind transfer failed: the target did not take the callee", metadata: ["target": "\(target)"])
            emit(.transfer(target: target, stage: .failed), call: call)
            notifyTransfer(call.handle, event: event, status: 503, final: true)
            hangUp(promoted, reason: "transfer target refused the call")
        }
        // The caller has nobody left: RFC 5589 §6.1 has it hang up; make sure it goes.
        call.endReason = "transferred"
        sip.schedule(after: 2000) { [weak self, weak call] in
            guard let self, let call, call.isUp else { return }
            self.hangUp(call, reason: "transferred")
        }
    }

    /// The target answered a caller's transfer: it takes the caller's place next to the callee.
    func completeCallerTransfer(_ call: Call, _ attempt: TransferAttempt, target leg: OutboundLeg) {
        guard let room = call.room, let callee = call.connected, !callee.ended else {
            leg.ended = true
            sip.bye(leg.handle)
            if let event = attempt.event { notifyTransfer(call.handle, event: event, status: 487, final: true) }
            attempt.finished?(487)
            attempt.finished = nil
            return
        }
        room.remove(member: call.stream.id)
        room.add(leg.stream)
        call.standIn = leg
        if let codec = call.audio?.codecName { call.ledger.formerCodecs.append(codec) }
        call.logger.info("blind transfer completed", metadata: ["target": "\(attempt.target)", "contact": "\(leg.contact)",
                                                                "transferee": "\(callee.contact)", "by": "caller"])
        reportTransfer(call, attempt, .completed)
        attempt.finished?(nil)
        attempt.finished = nil
        if let event = attempt.event { notifyTransfer(call.handle, event: event, status: 200, final: true) }
        // RFC 5589 §6.1: the transferor hangs up after a successful NOTIFY; make sure it goes.
        sip.schedule(after: 2000) { [weak self, weak call] in
            guard let self, let call, call.isUp, !call.callerGone else { return }
            call.phase = .ending
            self.sip.bye(call.handle)
        }
    }

    /// The caller's dialog ended while a stand-in talks to the callee: only the caller leaves.
    /// True when the call goes on (the caller's BYE or dialog end needs nothing else).
    func callerLeavesBridge(_ call: Call, terminated: Bool) -> Bool {
        guard let standIn = call.standIn, !standIn.ended, let callee = call.connected, !callee.ended else { return false }
        if call.phase != .ended, call.phase != .ending { call.phase = .ending }
        if terminated, !call.callerGone {
            call.callerGone = true
            call.room?.remove(member: call.stream.id)
            call.logger.info("the transferring caller left; the callee and the target talk on", metadata: ["target": "\(standIn.contact)"])
        }
        return true
    }

    /// The callee or the stand-in left a call the caller transferred: the other one is sent BYE
    /// and the call ends (its record once, now or when the caller's own dialog is over).
    func endTransferredBridge(_ call: Call, reason: String) {
        guard let standIn = call.standIn else { return }
        call.standIn = nil
        call.endReason = reason
        for leg in [standIn, call.connected].compactMap({ $0 }) where !leg.ended {
            leg.ended = true
            sip.bye(leg.handle)
        }
        if call.callerGone {
            finish(call)
        } else {
            hangUp(call, reason: reason)
        }
    }
}
