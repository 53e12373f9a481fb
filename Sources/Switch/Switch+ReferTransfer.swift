import Foundation
import Logging
import ParleyConfig
import SIP

/// A REFER Parley sent to move a call's trunk party at its provider: the plan, its progress, the
/// phone whose own REFER it passes on (if one asked), and what to do if the provider will not do
/// it. SIP thread only.
final class ReferTransfer {
    let plan: ReferTransferPlan
    /// The dialled target, as the transfer was asked for (events, logs).
    let target: String
    /// The dialog the REFER went on (the call's own, or its trunk leg's).
    let handle: SIPHandle
    /// The phone whose REFER Parley passes on, if one asked.
    let relay: ReferRelay?
    var progress = ReferProgress()
    var timer: UInt64?
    /// Told the outcome once: nil when the provider connected the party, else the final status.
    var finished: ((Int?) -> Void)?
    /// Transfers inside Parley instead (the provider refused or the target failed).
    let fallback: () -> Void
    /// Whether the REFER's progress is published as transfer events.
    var emitsEvents = true
    /// The transfer stages reported so far (the fall-back does not report them again).
    var shownStages: Set<SwitchEvent.TransferStage> = []

    init(plan: ReferTransferPlan, target: String, handle: SIPHandle, relay: ReferRelay?,
         finished: ((Int?) -> Void)?, fallback: @escaping () -> Void) {
        self.plan = plan
        self.target = target
        self.handle = handle
        self.relay = relay
        self.finished = finished
        self.fallback = fallback
    }
}

/// The phone whose own REFER a ``ReferTransfer`` passes on to the provider: the event its
/// NOTIFYs report on and its dialog, the call's own (the phone called out) or a leg Parley placed
/// to it (held weakly: a leg that ended is not notified).
struct ReferRelay {
    let event: String
    weak var leg: OutboundLeg?
    /// The phone is the call's caller (its dialog is the call's own).
    let isCaller: Bool

    /// The dialog to NOTIFY on, while the phone is still there.
    func handle(in call: Call) -> SIPHandle? {
        if isCaller { return call.isUp ? call.handle : nil }
        guard let leg, !leg.ended, leg.call === call else { return nil }
        return leg.handle
    }
}

/// Parley-initiated transfer by REFER (issue 6): when the party to move is reached through a
/// trunk with `transfer: refer` (a caller that came in on it, the party an originated call rang
/// through it, or the far end of a user's call out on it), its dialog allowed REFER and the
/// target is a number on that trunk, Parley asks the provider to connect the party there (REFER
/// on that party's dialog, Refer-To at the trunk's server) instead of ringing the target itself.
/// The control API, the agent's transfer tool and a phone's own blind REFER all come this way; a
/// phone hears the provider's progress as its REFER's NOTIFYs. A NOTIFY with a 2xx sipfrag means
/// the provider connected the party: Parley hangs up its legs ("transferred by REFER"). A refused
/// REFER, a failure sipfrag or no final word within the trunk's `refer_timeout_s` falls back to
/// the usual transfer inside Parley (Switch+BlindTransfer.swift), so the party is never lost.
extension Switch {
    /// The party of `call` reached on its own dialog: a trunk caller, or what an originated call rang.
    func providerParty(of call: Call) -> ReferTransferPlan.Party {
        let name = call.ledger.inboundTrunk ?? call.ledger.originatedTrunk
        return ReferTransferPlan.Party(trunk: name.flatMap(trunkSettings), allow: call.remoteAllow, dialog: .call)
    }

    private func trunkSettings(_ name: String) -> ParleyConfiguration.Trunk? {
        configuration.trunks.first { $0.name == name }
    }

    /// Sends the REFER when ``ReferTransferPlan`` says so and returns true; false (nothing sent)
    /// when the transfer must happen inside Parley. `fallback` runs if the REFER does not work.
    /// `emitsEvents` false leaves the transfer events to the caller (the agent's path reports
    /// through its tool instead).
    func startReferTransfer(_ call: Call, to target: String, emitsEvents: Bool = true, finished: ((Int?) -> Void)?,
                            fallback: @escaping () -> Void) -> Bool {
        guard call.isUp, call.referTransfer == nil else { return false }
        let party = providerParty(of: call)
        let decision = ReferTransferPlan.decide(party: party, destination: transferDestination(for: target),
                                                requester: .parley(listen: configuration.sip.listen, port: configuration.sip.port))
        guard case .refer(let plan) = decision else {
            logBridged(call, decision, trunk: party.trunk, target: target)
            return false
        }
        sendReferTransfer(call, plan: plan, target: target, on: call.handle, relay: nil, emitsEvents: emitsEvents,
                          finished: finished, fallback: fallback)
        return true
    }

    /// A phone connected to a trunk caller (or to the party an originated call rang) sent a blind
    /// REFER: true when Parley asks the provider instead (the phone's Referred-By carried on) or
    /// refuses because a REFER is already under way; false lets the usual path handle it.
    func referLegTransferToProvider(_ event: SIPEvent, leg: OutboundLeg, event eventName: String) -> Bool {
        guard let message = event.message, let call = leg.call, call.connected === leg, call.isUp, call.transfer == nil,
              let referTo = message.header("Refer-To"), let number = Self.referTarget(referTo) else { return false }
        guard call.referTransfer == nil else {
            notifyTransfer(leg, event: eventName, status: 491, final: true)
            return true
        }
        let relay = ReferRelay(event: eventName, leg: leg, isCaller: false)
        return passOnToProvider(call, party: providerParty(of: call), number: number, message: message, relay: relay,
                                phone: leg.handle, referOn: call.handle,
                                log: ("blind transfer requested", ["by": "\(leg.contact)"])) { [weak self, weak leg] in
            guard let self, let leg else { return }
            self.handleLegRefer(event, leg: leg, askProvider: false)
        }
    }

    /// A user's phone blind-transfers the party it called on a trunk (a REFER on its own dialog):
    /// true when Parley asks the provider to connect that party (REFER on the trunk leg) or
    /// refuses because a REFER is already under way; false lets the usual path handle it.
    func referCallerTransferToProvider(_ message: SIPMessage, call: Call, event eventName: String) -> Bool {
        guard call.isUp, let callee = call.connected, callee.answered, !callee.ended, call.standIn == nil,
              call.transfer == nil, callee.control.reinvite == nil,
              let referTo = message.header("Refer-To"), let number = Self.referTarget(referTo) else { return false }
        guard call.referTransfer == nil else {
            notifyTransfer(call.handle, event: eventName, status: 491, final: true)
            return true
        }
        let party = ReferTransferPlan.Party(trunk: callee.trunkName.flatMap(trunkSettings), allow: callee.remoteAllow, dialog: .leg)
        let relay = ReferRelay(event: eventName, leg: nil, isCaller: true)
        return passOnToProvider(call, party: party, number: number, message: message, relay: relay,
                                phone: call.handle, referOn: callee.handle,
                                log: ("blind transfer requested by the caller", ["transferee": "\(callee.contact)"])) { [weak self, weak call] in
            guard let self, let call else { return }
            self.handleCallerBlindRefer(message, call: call, event: eventName, tryingSent: true)
        }
    }

    /// A phone's blind REFER (`message`, naming `number`) for `party`: when ``ReferTransferPlan``
    /// says so, the phone hears NOTIFY 100 at once (RFC 3515 §2.4.4: its subscription starts now,
    /// not when the provider speaks) and Parley REFERs `referOn` at the provider with the phone's
    /// Referred-By; true then, false (nothing sent) when the usual path must handle it.
    private func passOnToProvider(_ call: Call, party: ReferTransferPlan.Party, number: String, message: SIPMessage,
                                  relay: ReferRelay, phone: SIPHandle, referOn handle: SIPHandle,
                                  log: (message: Logger.Message, metadata: Logger.Metadata),
                                  fallback: @escaping () -> Void) -> Bool {
        let requester = ReferTransferPlan.Requester.phone(referredBy: message.header("Referred-By"),
                                                          listen: configuration.sip.listen, port: configuration.sip.port)
        let decision = ReferTransferPlan.decide(party: party, destination: transferDestination(for: number), requester: requester)
        guard case .refer(let plan) = decision else {
            logBridged(call, decision, trunk: party.trunk, target: number)
            return false
        }
        let metadata = log.metadata.merging(["target": "\(number)", "referred-by": "\(message.header("Referred-By") ?? "-")"]) { $1 }
        call.logger.info(log.message, metadata: metadata)
        notifyTransfer(phone, event: relay.event, status: 100, final: false)
        sendReferTransfer(call, plan: plan, target: number, on: handle, relay: relay, finished: nil, fallback: fallback)
        return true
    }

    private func logBridged(_ call: Call, _ decision: ReferTransferPlan.Decision, trunk: ParleyConfiguration.Trunk?, target: String) {
        guard case .bridge(let why) = decision, trunk?.transfer == .refer else { return }
        call.logger.info("transferring inside Parley, not by REFER", metadata: ["target": "\(target)", "why": "\(why)"])
    }

    private func sendReferTransfer(_ call: Call, plan: ReferTransferPlan, target: String, on handle: SIPHandle,
                                   relay: ReferRelay?, emitsEvents: Bool = true,
                                   finished: ((Int?) -> Void)?, fallback: @escaping () -> Void) {
        let transfer = ReferTransfer(plan: plan, target: target, handle: handle, relay: relay, finished: finished, fallback: fallback)
        transfer.emitsEvents = emitsEvents
        call.referTransfer = transfer
        sip.refer(handle, referTo: plan.referTo, headers: plan.referredBy.map { ["Referred-By: \($0)"] } ?? [])
        call.logger.info("transfer by REFER to the provider", metadata: [
            "target": "\(target)", "trunk": "\(plan.trunk)", "refer-to": "\(plan.referTo)",
            "dialog": "\(plan.dialog == .call ? "call" : "trunk leg")", "timeout-s": "\(plan.timeoutSeconds)",
        ])
        report(call, transfer, .requested)
        transfer.timer = sip.schedule(after: plan.timeoutSeconds * 1000) { [weak self, weak call, weak transfer] in
            guard let self, let call, let transfer, call.referTransfer === transfer else { return }
            transfer.timer = nil
            call.logger.info("the provider did not report the transfer's outcome in time", metadata: ["after-s": "\(plan.timeoutSeconds)"])
            self.advance(call, transfer, .timedOut)
        }
    }

    /// The REFER's final response and the NOTIFYs of its subscription, on the call's own dialog.
    func handleReferProgress(_ event: SIPEvent, call: Call) {
        guard let transfer = call.referTransfer, transfer.handle == call.handle else { return }
        referProgress(event, call: call, transfer: transfer)
    }

    /// The same on a trunk leg's dialog (a REFER for a user's call out).
    func handleLegReferProgress(_ event: SIPEvent, leg: OutboundLeg) {
        guard let call = leg.call, let transfer = call.referTransfer, transfer.handle == leg.handle else { return }
        referProgress(event, call: call, transfer: transfer)
    }

    private func referProgress(_ event: SIPEvent, call: Call, transfer: ReferTransfer) {
        switch event.kind {
        case .referResponse where event.status >= 200:
            call.logger.info("provider answered the REFER", metadata: ["status": "\(event.status)"])
            advance(call, transfer, .referAnswered(status: event.status))
        case .notify:
            let message = event.message
            let body = message?.bodyText
            let status = body.flatMap(ReferProgress.sipfragStatus)
            call.logger.info("provider reports transfer progress", metadata: ["sipfrag": "\(status.map(String.init) ?? "-")"])
            // The phone that asked hears the provider's progress (its 100 it had at once); the final
            // word comes with the outcome.
            if let relay = transfer.relay, let status, status > 100, status < 200, let phone = relay.handle(in: call) {
                notifyTransfer(phone, event: relay.event, status: status, final: false)
            }
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
        report(call, transfer, .failed)
        transfer.finished?(481)
        transfer.finished = nil
    }

    private func report(_ call: Call, _ transfer: ReferTransfer, _ stage: SwitchEvent.TransferStage) {
        guard transfer.emitsEvents, transfer.shownStages.insert(stage).inserted else { return }
        emit(.transfer(target: transfer.target, stage: stage), call: call)
    }

    private func advance(_ call: Call, _ transfer: ReferTransfer, _ event: ReferProgress.Event) {
        let outcome = transfer.progress.handle(event)
        if transfer.progress.accepted { report(call, transfer, .trying) }
        guard outcome != .pending else { return }
        call.referTransfer = nil
        if let timer = transfer.timer { sip.cancelTimer(timer) }
        transfer.timer = nil
        switch outcome {
        case .succeeded:
            call.logger.info("transferred by REFER; Parley leaves the call", metadata: ["target": "\(transfer.target)"])
            report(call, transfer, .completed)
            transfer.finished?(nil)
            transfer.finished = nil
            if let relay = transfer.relay, let phone = relay.handle(in: call) {
                notifyTransfer(phone, event: relay.event, status: 200, final: true)
            }
            if call.isUp {
                hangUp(call, reason: "transferred by REFER")
            } else {
                call.endReason = "transferred by REFER"
            }
        case .failed(let status):
            call.logger.info("the provider did not transfer; transferring inside Parley",
                             metadata: ["target": "\(transfer.target)", "status": "\(status)"])
            guard call.isUp else {
                report(call, transfer, .failed)
                transfer.finished?(status)
                transfer.finished = nil
                return
            }
            // The transfer inside Parley is the same transfer: it does not report what was shown.
            call.stagesShownByRefer = transfer.emitsEvents ? transfer.shownStages : []
            transfer.fallback()
            call.stagesShownByRefer = []
        case .pending:
            break
        }
    }

    /// The agent's blind transfer of a trunk party, by REFER when the plan allows: true once the
    /// REFER is sent. The agent hears success once the provider connected the party (then the
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
