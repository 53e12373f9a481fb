import Foundation
import Logging
import ParleyConfig
import SIP

/// A REFER Parley sent to move a call's caller at its provider: the plan, its progress and what
/// to do if the provider will not do it. SIP thread only.
final class ReferTransfer {
    let plan: ReferTransferPlan
    /// The dialled target, as the transfer was asked for (events, logs).
    let target: String
    var progress = ReferProgress()
    var timer: UInt64?
    /// Told the outcome once: nil when the provider connected the caller, else the final status.
    var finished: ((Int?) -> Void)?
    /// Transfers inside Parley instead (the provider refused or the target failed).
    let fallback: () -> Void
    /// Whether the REFER's progress is published as transfer events.
    var emitsEvents = true

    init(plan: ReferTransferPlan, target: String, finished: ((Int?) -> Void)?, fallback: @escaping () -> Void) {
        self.plan = plan
        self.target = target
        self.finished = finished
        self.fallback = fallback
    }
}

/// Parley-initiated transfer by REFER (issue 6): when the caller came in on a trunk with
/// `transfer: refer`, its INVITE allowed REFER and the target is a number on that trunk, Parley
/// asks the provider to connect the caller there (REFER on the caller's dialog, Refer-To at the
/// trunk's server, Referred-By Parley) instead of ringing the target itself. A NOTIFY with a 2xx
/// sipfrag means the provider connected the caller: Parley hangs up its legs ("transferred by
/// REFER"). A refused REFER, a failure sipfrag or no final word in time falls back to the usual
/// transfer inside Parley (Switch+BlindTransfer.swift), so the caller is never lost.
extension Switch {
    /// How long the provider has to report the outcome before Parley transfers by itself.
    static let referTransferSeconds = 40

    /// Sends the REFER when ``ReferTransferPlan`` says so and returns true; false (nothing sent)
    /// when the transfer must happen inside Parley. `fallback` runs if the REFER does not work.
    /// `emitsEvents` false leaves the transfer events to the caller (the agent's path reports
    /// through its tool instead).
    func startReferTransfer(_ call: Call, to target: String, emitsEvents: Bool = true, finished: ((Int?) -> Void)?,
                            fallback: @escaping () -> Void) -> Bool {
        guard call.isUp, call.referTransfer == nil else { return false }
        let trunk = call.ledger.inboundTrunk.flatMap { name in configuration.trunks.first { $0.name == name } }
        let decision = ReferTransferPlan.decide(trunk: trunk, allow: call.remoteAllow,
                                                destination: transferDestination(for: target))
        guard case .refer(let plan) = decision else {
            if case .bridge(let why) = decision, trunk?.transfer == .refer {
                call.logger.info("transferring inside Parley, not by REFER", metadata: ["target": "\(target)", "why": "\(why)"])
            }
            return false
        }
        let transfer = ReferTransfer(plan: plan, target: target, finished: finished, fallback: fallback)
        transfer.emitsEvents = emitsEvents
        call.referTransfer = transfer
        let referredBy = trunk.flatMap { ReferTransferPlan.referredBy(trunk: $0, listen: configuration.sip.listen, port: configuration.sip.port) }
        sip.refer(call.handle, referTo: plan.referTo, headers: referredBy.map { ["Referred-By: \($0)"] } ?? [])
        call.logger.info("transfer by REFER to the provider", metadata: ["target": "\(target)", "trunk": "\(plan.trunk)",
                                                                         "refer-to": "\(plan.referTo)"])
        if emitsEvents { emit(.transfer(target: target, stage: .requested), call: call) }
        transfer.timer = sip.schedule(after: Self.referTransferSeconds * 1000) { [weak self, weak call, weak transfer] in
            guard let self, let call, let transfer, call.referTransfer === transfer else { return }
            transfer.timer = nil
            self.advance(call, transfer, .timedOut)
        }
        return true
    }

    /// The REFER's final response and the NOTIFYs of its subscription, on the caller's dialog.
    func handleReferProgress(_ event: SIPEvent, call: Call) {
        guard let transfer = call.referTransfer else { return }
        switch event.kind {
        case .referResponse where event.status >= 200:
            call.logger.info("provider answered the REFER", metadata: ["status": "\(event.status)"])
            advance(call, transfer, .referAnswered(status: event.status))
        case .notify:
            let message = event.message
            let body = message?.bodyText
            call.logger.info("provider reports transfer progress",
                             metadata: ["sipfrag": "\(body.flatMap(ReferProgress.sipfragStatus).map(String.init) ?? "-")"])
            advance(call, transfer, .notified(sipfrag: body, subscriptionState: message?.header("Subscription-State")))
        default:
            break
        }
    }

    /// The call ended while its REFER was under way: whoever waits hears it failed (481).
    func abandonReferTransfer(_ call: Call) {
        guard let transfer = call.referTransfer else { return }
        call.referTransfer = nil
        if let timer = transfer.timer { sip.cancelTimer(timer) }
        transfer.timer = nil
        if transfer.emitsEvents { emit(.transfer(target: transfer.target, stage: .failed), call: call) }
        transfer.finished?(481)
        transfer.finished = nil
    }

    private func advance(_ call: Call, _ transfer: ReferTransfer, _ event: ReferProgress.Event) {
        let wasAccepted = transfer.progress.accepted
        let outcome = transfer.progress.handle(event)
        if !wasAccepted, transfer.progress.accepted, transfer.emitsEvents {
            emit(.transfer(target: transfer.target, stage: .trying), call: call)
        }
        guard outcome != .pending else { return }
        call.referTransfer = nil
        if let timer = transfer.timer { sip.cancelTimer(timer) }
        transfer.timer = nil
        switch outcome {
        case .succeeded:
            call.logger.info("transferred by REFER; Parley leaves the call", metadata: ["target": "\(transfer.target)"])
            if transfer.emitsEvents { emit(.transfer(target: transfer.target, stage: .completed), call: call) }
            transfer.finished?(nil)
            transfer.finished = nil
            if call.isUp {
                hangUp(call, reason: "transferred by REFER")
            } else {
                call.endReason = "transferred by REFER"
            }
        case .failed(let status):
            call.logger.info("the provider did not transfer; transferring inside Parley",
                             metadata: ["target": "\(transfer.target)", "status": "\(status)"])
            guard call.isUp else {
                if transfer.emitsEvents { emit(.transfer(target: transfer.target, stage: .failed), call: call) }
                transfer.finished?(status)
                transfer.finished = nil
                return
            }
            transfer.fallback()
        case .pending:
            break
        }
    }

    /// The agent's blind transfer of a trunk caller, by REFER when the plan allows: true once the
    /// REFER is sent. The agent hears success once the provider connected the caller (then the
    /// call ends); if the provider will not, the agent's usual transfer rings the target.
    func agentTransferByRefer(_ call: Call, to target: String, done: @escaping (AgentCallError?) -> Void) -> Bool {
        startReferTransfer(call, to: target, emitsEvents: false, finished: { status in
            done(status.map { .unreachable(target, status: $0) })
        }, fallback: { [weak self, weak call] in
            guard let self, let call else { return done(.callGone) }
            self.agentTransfer(call, to: target, mode: .blind, byRefer: false, done: done)
        })
    }
}
