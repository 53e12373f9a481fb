import Agent
import Foundation
import Media
import ParleyConfig
import Registrar

/// Blind transfer asked for by the control plane (and used to connect an originated call to a
/// user or a trunk): the same ``Switch/blindTransfer(_:to:transferor:event:headers:finished:)``
/// a REFER starts, without NOTIFYs. SIP thread only.
extension Switch {
    /// Starts the transfer; nil once the target rings (or, for a conference, once the caller is
    /// in), else why not. `finished` hears the outcome (nil: connected; else the final status).
    /// `byRefer` false keeps the transfer inside Parley even when the provider could be asked.
    func beginTransfer(_ call: Call, to target: String, byRefer: Bool = true,
                       finished: ((Int?) -> Void)? = nil) -> CallControlError? {
        guard call.phase == .answered || call.phase == .confirmed else { return .wrongState("the call is not answered") }
        guard call.transfer == nil, call.agent?.transfer == nil, call.referTransfer == nil else {
            return .wrongState("a transfer is already under way")
        }
        if let link = call.agent, !link.left { return agentTransferFromAPI(call, to: target, finished: finished) }
        guard call.conference == nil else {
            return .notSupported("a conference member cannot be transferred (kick it, or hang up)")
        }
        guard call.control.peer == nil else {
            return .notSupported("a call joined with another caller by a transfer cannot be transferred again")
        }
        call.logger.info("blind transfer requested through the control API", metadata: ["target": "\(target)"])
        // A party on a trunk with `transfer: refer` (a caller that came in on it, or the party an
        // originated call rang through it) is handed to its provider by REFER when it can be.
        let referred = byRefer && startReferTransfer(call, to: target, finished: finished) { [weak self, weak call] in
            guard let self, let call else { return }
            if let error = self.blindTransfer(call, to: target, transferor: call.connected, event: nil, finished: finished) {
                call.logger.info("blind transfer failed before ringing", metadata: ["target": "\(target)", "why": "\(error)"])
                self.emit(.transfer(target: target, stage: .failed), call: call)
                finished?(Self.notifyStatus(for: error))
            }
        }
        if referred { return nil }
        return blindTransfer(call, to: target, transferor: call.connected, event: nil, finished: finished)
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
