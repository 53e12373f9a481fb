import Agent
import Foundation
import Media
import ParleyConfig
import Registrar

/// Blind transfer asked for by the control plane (and used to connect an originated call to a
/// user or a trunk): the same ``TransferAttempt`` a REFER starts, without NOTIFYs, with the
/// target resolved by the dialplan. SIP thread only.
extension Switch {
    /// Starts the transfer; nil once the target rings (or, for a conference, once the caller is
    /// in), else why not. `finished` hears the outcome (nil: connected; else the final status).
    func beginTransfer(_ call: Call, to target: String, finished: ((Int?) -> Void)? = nil) -> CallControlError? {
        guard call.phase == .answered || call.phase == .confirmed else { return .wrongState("the call is not answered") }
        guard call.transfer == nil, call.agent?.transfer == nil else { return .wrongState("a transfer is already under way") }
        if let link = call.agent, !link.left { return agentTransferFromAPI(call, to: target, finished: finished) }
        guard call.conference == nil else {
            return .notSupported("a conference member cannot be transferred (kick it, or hang up)")
        }
        guard call.control.peer == nil else {
            return .notSupported("a call joined with another caller by a transfer cannot be transferred again")
        }
        let attempt = TransferAttempt(transferor: call.connected, event: nil, target: target)
        attempt.finished = finished
        let room = call.room ?? media.openRoom(sampleRate: 16000)
        if call.room == nil { attempt.room = room }
        var seconds = Self.transferRingSeconds
        let refusal: CallControlError?
        switch configuration.route(for: target) {
        case .user(let callee, let timeout):
            if let pbx, pbx.directory.user(callee) != nil {
                let contacts = pbx.location.contacts(for: callee, now: Date())
                attempt.legs = fork(call, to: callee, contacts: contacts, caller: identity(of: call), room: room)
                refusal = contacts.isEmpty ? .unreachable(target: target, status: 480) : nil
                seconds = min(timeout, seconds)
            } else {
                refusal = .unknownTarget(target)
            }
        case .trunk(let name, let number):
            attempt.legs = [trunkLeg(call, trunkName: name, number: number, caller: identity(of: call), room: room)]
                .compactMap { $0 }
            refusal = nil
        case .conference(let name, let settings):
            if let room = attempt.room { room.close() }
            return moveToConference(call, name: name, settings: settings, target: target, finished: finished)
        case .echo, .playback:
            refusal = .notSupported("\(target) is a service; a call cannot be transferred to it")
        case .agent:
            refusal = .notSupported("\(target) is an agent; a call cannot be transferred to it (originate instead)")
        case .reject(let code):
            refusal = .unreachable(target: target, status: code)
        case nil:
            refusal = .unknownTarget(target)
        }
        if let refusal = refusal ?? (attempt.legs.isEmpty ? .unreachable(target: target, status: 503) : nil) {
            if let room = attempt.room { room.close() }
            return refusal
        }
        call.logger.info("blind transfer requested through the control API",
                         metadata: ["target": "\(target)", "forks": "\(attempt.legs.count)"])
        startTransfer(attempt, on: call, ringSeconds: seconds)
        return nil
    }

    /// The caller leaves its party (which is hung up) for conference `name`.
    private func moveToConference(_ call: Call, name: String, settings: ParleyConfiguration.ConferenceSettings,
                                  target: String, finished: ((Int?) -> Void)?) -> CallControlError? {
        guard conferenceHasRoom(name, settings: settings) else { return .unreachable(target: target, status: 486) }
        emit(.transfer(target: target, stage: .requested), call: call)
        if let partner = unlinkPartner(of: call) {
            if case .outbound(let leg) = partner, let codec = leg.audio?.codecName { call.ledger.formerCodecs.append(codec) }
            end(partner, reason: "transferred to a conference")
        }
        if let old = call.room {
            call.room = nil
            old.close()
        }
        guard enterConference(call, name: name, settings: settings, moderator: false) != nil else {
            emit(.transfer(target: target, stage: .failed), call: call)
            finished?(486)
            return .unreachable(target: target, status: 486)
        }
        call.logger.info("moved into a conference through the control API", metadata: ["room": "\(name)"])
        emit(.transfer(target: target, stage: .completed), call: call)
        finished?(nil)
        return nil
    }

    /// A call the agent answered goes where the agent's transfer tool would send it; the agent
    /// leaves once the target answers.
    private func agentTransferFromAPI(_ call: Call, to target: String, finished: ((Int?) -> Void)?) -> CallControlError? {
        final class Outcome {
            var returned = false
            var early: AgentCallError??
        }
        let outcome = Outcome()
        emit(.transfer(target: target, stage: .requested), call: call)
        agentTransfer(call, to: target, mode: .blind) { [weak self, weak call] error in
            guard outcome.returned else {
                outcome.early = .some(error)
                return
            }
            guard let self, let call else { return }
            self.emit(.transfer(target: target, stage: error == nil ? .completed : .failed), call: call)
            finished?(error.map(Self.status) ?? nil)
        }
        outcome.returned = true
        guard let early = outcome.early else { return nil }
        emit(.transfer(target: target, stage: early == nil ? .completed : .failed), call: call)
        finished?(early.map(Self.status) ?? nil)
        return early.map(Self.controlError)
    }

    private static func status(_ error: AgentCallError) -> Int {
        if case .unreachable(_, let status) = error { return status }
        return 503
    }

    private static func controlError(_ error: AgentCallError) -> CallControlError {
        switch error {
        case .callGone: .callEnded
        case .transferInProgress: .wrongState("a transfer is already under way")
        case .unknownTarget(let target): .unknownTarget(target)
        case .unsupportedTarget: .notSupported(error.description)
        case .unreachable(let target, let status): .unreachable(target: target, status: status)
        case .invalid(let reason): .invalid(reason)
        }
    }

    /// Who the call's caller is, for caller ID on legs placed for it.
    func identity(of call: Call) -> DirectoryUser? {
        if let caller = call.caller { return caller }
        guard let user = Self.userPart(of: call.from) else { return nil }
        return DirectoryUser(username: user, secret: .password(""), callerIDName: nil)
    }
}
