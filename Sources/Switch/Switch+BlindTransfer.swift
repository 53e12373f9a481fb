import Foundation
import Logging
import Media
import ParleyConfig
import SIP

/// One blind-transfer path for every way a transfer is asked for: a REFER from the callee's
/// phone, the control API, and (for the dialplan lookup) the agent's transfer tool. The target is
/// resolved once (``TransferDestination``); users and trunk numbers are rung for the transferee
/// (a ``TransferAttempt``: the call stays as it is until the target answers), a conference or an
/// agent answers at once (the transferee goes in, the transferor is released). SIP thread only.
extension Switch {
    /// What the dialplan (and the agent catalog) make of a dialled transfer target.
    func transferDestination(for number: String) -> TransferDestination {
        let route = configuration.route(for: number)
        let catalogAgent = route == nil ? agents?.catalog.current(forExtension: number)?.name : nil
        return TransferDestination.resolve(number: number, route: route, catalogAgent: catalogAgent,
                                           isUser: { [pbx] in pbx?.directory.user($0) != nil },
                                           maxRingSeconds: Self.transferRingSeconds)
    }

    /// Blind-transfers `call`'s caller (the transferee) to `target`. `transferor` is the leg the
    /// target replaces (nil: the call has no other party); `event` the REFER's NOTIFY event (nil:
    /// nobody to notify, the replaced leg gets BYE at once); `headers` go on the INVITEs to the
    /// target (Referred-By). Nil once the target rings or has taken the call, else why not (and
    /// nothing changed). `finished` hears the outcome: nil when connected, else the final status.
    func blindTransfer(_ call: Call, to target: String, transferor: OutboundLeg?, event: String?,
                       headers: [String] = [], finished: ((Int?) -> Void)? = nil) -> CallControlError? {
        let caller = identity(of: call)
        switch transferDestination(for: target) {
        case .user(let callee, let seconds):
            guard let pbx else { return .unknownTarget(target) }
            let contacts = pbx.location.contacts(for: callee, now: Date())
            guard !contacts.isEmpty else { return .unreachable(target: target, status: 480) }
            return ringTarget(call, target: target, transferor: transferor, event: event, seconds: seconds, finished: finished) { room in
                self.fork(call, to: callee, contacts: contacts, caller: caller, room: room, headers: headers)
            }
        case .trunk(let name, let number):
            return ringTarget(call, target: target, transferor: transferor, event: event,
                              seconds: Self.transferRingSeconds, finished: finished) { room in
                [self.trunkLeg(call, trunkName: name, number: number, caller: caller, room: room, headers: headers)].compactMap { $0 }
            }
        case .conference(let room, let settings):
            guard conferenceHasRoom(room, settings: settings) else { return .unreachable(target: target, status: 486) }
            return answerTransferHere(call, target: target, transferor: transferor, event: event, finished: finished) {
                self.enterConference(call, name: room, settings: settings, moderator: false) != nil
            }
        case .agent(let name, let number):
            guard call.agent == nil, call.conference == nil else { return .notSupported("the call already has an agent or a conference") }
            guard agents?.catalog.current(named: name) != nil else { return .unreachable(target: target, status: 503) }
            return answerTransferHere(call, target: target, transferor: transferor, event: event, finished: finished) {
                self.startAgent(call, name: name, number: number)
                return call.agent != nil
            }
        case .park(let slot, let timeout):
            guard call.agent == nil, call.conference == nil else { return .notSupported("the call has an agent or a conference") }
            guard parkingLot[slot].flatMap({ liveParked($0) }) == nil else { return .unreachable(target: target, status: 486) }
            let parker = transferor?.user ?? transferor.flatMap { Self.userPart(of: $0.contact) }
            return answerTransferHere(call, target: target, transferor: transferor, event: event, finished: finished) {
                self.park(call, slot: slot, timeoutSeconds: timeout, parker: parker)
                return true
            }
        case .service:
            return .notSupported("\(target) is a service; a call cannot be transferred to it")
        case .rejected(let status):
            return .unreachable(target: target, status: status)
        case .unknown:
            return .unknownTarget(target)
        }
    }

    /// Rings the legs `place` opens in the call's room (or a room opened for the transfer) and
    /// makes the attempt the call's.
    private func ringTarget(_ call: Call, target: String, transferor: OutboundLeg?, event: String?, seconds: Int,
                            finished: ((Int?) -> Void)?, place: (Room) -> [OutboundLeg]) -> CallControlError? {
        let attempt = TransferAttempt(transferor: transferor, event: event, target: target)
        attempt.finished = finished
        let room = call.room ?? media.openRoom(sampleRate: 16000)
        if call.room == nil { attempt.room = room }
        attempt.legs = place(room)
        guard !attempt.legs.isEmpty else {
            attempt.room?.close()
            return .unreachable(target: target, status: 503)
        }
        call.logger.info("blind transfer ringing", metadata: ["target": "\(target)", "forks": "\(attempt.legs.count)"])
        startTransfer(attempt, on: call, ringSeconds: seconds)
        return nil
    }

    /// A target Parley answers itself (a conference, an agent): the caller's party is released,
    /// its two-party room closed, and `enter` puts the caller where it goes.
    private func answerTransferHere(_ call: Call, target: String, transferor: OutboundLeg?, event: String?,
                                    finished: ((Int?) -> Void)?, enter: () -> Bool) -> CallControlError? {
        emit(.transfer(target: target, stage: .requested), call: call)
        if let partner = unlinkPartner(of: call) {
            if case .outbound(let leg) = partner, let codec = leg.audio?.codecName { call.ledger.formerCodecs.append(codec) }
            if case .outbound(let leg) = partner, leg === transferor {
                releaseTransferor(leg, event: event)
            } else {
                end(partner, reason: "transferred away")
            }
        }
        if let old = call.room {
            call.room = nil
            old.close()
        }
        guard enter() else {
            emit(.transfer(target: target, stage: .failed), call: call)
            finished?(486)
            hangUp(call, reason: "transfer target refused the call")
            return nil
        }
        call.logger.info("blind transfer completed", metadata: ["target": "\(target)", "answered-by": "parley"])
        emit(.transfer(target: target, stage: .completed), call: call)
        finished?(nil)
        return nil
    }

    /// The transferor's part is over: with a REFER, NOTIFY 200 and BYE if it does not hang up
    /// itself within 2 s (RFC 5589 §6.1); without one, BYE now.
    func releaseTransferor(_ transferor: OutboundLeg, event: String?) {
        transferor.call = nil
        guard let event else {
            transferor.ended = true
            sip.bye(transferor.handle)
            return
        }
        notifyTransfer(transferor, event: event, status: 200, final: true)
        sip.schedule(after: 2000) { [weak self, weak transferor] in
            guard let self, let transferor, !transferor.ended else { return }
            transferor.ended = true
            self.sip.bye(transferor.handle)
        }
    }

    /// A provider's 401/407 on a leg with trunk credentials: answered once with them (true: the
    /// response is dealt with). Any leg Parley dials on a trunk goes through here.
    func answerTrunkChallenge(_ event: SIPEvent, leg: OutboundLeg) -> Bool {
        let status = event.status
        guard status == 401 || status == 407, let credentials = leg.credentials, !leg.authTried else { return false }
        leg.authTried = true
        let header = event.message?.header(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")
        let realm = credentials.realm ?? header.flatMap { DigestChallenge($0)?.realm } ?? ""
        sip.authenticate(leg.handle, realm: realm, user: credentials.user, password: credentials.password)
        return true
    }

    /// The NOTIFY status for a transfer refused before anything rang.
    static func notifyStatus(for error: CallControlError) -> Int {
        switch error {
        case .unknownTarget: 404
        case .unreachable(_, let status): status
        case .notSupported: 488
        case .wrongState: 491
        case .callEnded: 481
        default: 503
        }
    }
}
