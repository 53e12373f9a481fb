import Foundation
import Logging
import Media
import ParleyConfig
import SIP

/// A blind transfer under way: who asked (the transferor's leg), the NOTIFY event to report on,
/// and the legs ringing the target. SIP thread only.
final class TransferAttempt {
    /// The leg the target replaces: the one that sent the REFER, or the callee leg an API
    /// transfer drops; nil when the call had no other party (a service call, an originated call).
    let transferor: OutboundLeg?
    /// The REFER's event package id for NOTIFY progress; nil when the API asked (nobody to notify).
    let event: String?
    let target: String
    var legs: [OutboundLeg] = []
    var timer: UInt64?
    var bestFailure = 480
    /// A room opened for the transfer because the call had none; it becomes the call's on success.
    var room: Room?
    /// Told the outcome once: nil on success, else the final status.
    var finished: ((Int?) -> Void)?
    /// The caller asked (a REFER on its own dialog): the callee is the transferee and the target
    /// takes the caller's place (Switch+CallerTransfer.swift).
    var fromCaller = false
    /// The stages already reported for this transfer (each is reported once).
    var shownStages: Set<SwitchEvent.TransferStage> = []

    init(transferor: OutboundLeg?, event: String?, target: String) {
        self.transferor = transferor
        self.event = event
        self.target = target
    }
}

/// Blind transfer (RFC 3515 REFER, RFC 5589): the callee of a user call sends REFER with a target;
/// nua has answered 202. We report "100 Trying" in a NOTIFY and send the caller (the transferee)
/// wherever the dialplan sends the number (Switch+BlindTransfer.swift): a conference or an agent
/// takes it at once (NOTIFY 200); a user or a trunk number is rung for it (with the REFER's
/// Referred-By; a provider's 401/407 answered), and on its answer the caller's room moves over:
/// the target joins, the transferor leaves (NOTIFY 200, then BYE if it does not hang up itself). A
/// target that fails is reported in the NOTIFY and the original call stays as it was. A Refer-To
/// carrying Replaces is an attended transfer instead (Switch+AttendedTransfer.swift).
extension Switch {
    static let transferRingSeconds = 30

    /// `askProvider` false skips asking a trunk caller's provider (that REFER's fall-back, whose
    /// phone already had its NOTIFY 100).
    func handleLegRefer(_ event: SIPEvent, leg: OutboundLeg, askProvider: Bool = true) {
        guard let message = event.message else { return }
        let cseq = message.header("CSeq")?.split(separator: " ").first.map(String.init) ?? "1"
        let eventName = "refer;id=\(cseq)"
        if let referTo = message.header("Refer-To"), ReplacesHeader.isPresent(inReferTo: referTo) {
            handleAttendedRefer(message, on: .outbound(leg), event: eventName)
            return
        }
        // A trunk caller may be handed to its provider by REFER (Switch+ReferTransfer.swift).
        if askProvider, referLegTransferToProvider(event, leg: leg, event: eventName) { return }
        guard let call = leg.call, call.connected === leg, call.isUp else {
            notifyTransfer(leg, event: eventName, status: 481, final: true)
            return
        }
        guard call.transfer == nil else {
            notifyTransfer(leg, event: eventName, status: 491, final: true)
            return
        }
        guard let referTo = message.header("Refer-To"), let number = Self.referTarget(referTo) else {
            call.logger.info("REFER without a usable Refer-To", metadata: ["refer-to": "\(message.header("Refer-To") ?? "-")"])
            notifyTransfer(leg, event: eventName, status: 400, final: true)
            return
        }
        // RFC 3892: who asked for the transfer travels on to the target in our INVITE.
        let referredBy = message.header("Referred-By")
        call.logger.info("blind transfer requested", metadata: ["target": "\(number)", "by": "\(leg.contact)",
                                                                "referred-by": "\(referredBy ?? "-")"])
        // A fall-back from asking the provider already told the phone "100 Trying".
        if askProvider { notifyTransfer(leg, event: eventName, status: 100, final: false) }
        if let refusal = blindTransfer(call, to: number, transferor: leg, event: eventName,
                                       headers: referredBy.map { ["Referred-By: \($0)"] } ?? []) {
            call.logger.info("blind transfer failed before ringing", metadata: ["target": "\(number)", "why": "\(refusal)"])
            notifyTransfer(leg, event: eventName, status: Self.notifyStatus(for: refusal), final: true)
        }
    }

    /// The target's legs are ringing: the attempt becomes the call's, with its ring timer.
    func startTransfer(_ attempt: TransferAttempt, on call: Call, ringSeconds seconds: Int) {
        call.transfer = attempt
        attempt.shownStages = call.stagesShownByRefer
        reportTransfer(call, attempt, .requested)
        attempt.timer = sip.schedule(after: seconds * 1000) { [weak self, weak call, weak attempt] in
            guard let self, let call, let attempt, call.transfer === attempt else { return }
            attempt.timer = nil
            for l in attempt.legs where !l.answered && !l.ended {
                l.ended = true
                self.sip.cancel(l.handle)
            }
            self.failTransfer(call, status: 408)
        }
    }

    /// A REFER from the caller's side: an attended transfer (Replaces) is carried out like one
    /// from the callee's side; a blind one sends the callee to the target in the caller's place
    /// (Switch+CallerTransfer.swift).
    func handleCallerRefer(_ event: SIPEvent, call: Call) {
        guard let message = event.message else { return }
        let cseq = message.header("CSeq")?.split(separator: " ").first.map(String.init) ?? "1"
        if let referTo = message.header("Refer-To"), ReplacesHeader.isPresent(inReferTo: referTo) {
            handleAttendedRefer(message, on: .inbound(call), event: "refer;id=\(cseq)")
            return
        }
        // A party on a trunk may be handed to its provider by REFER (Switch+ReferTransfer.swift).
        if referCallerTransferToProvider(message, call: call, event: "refer;id=\(cseq)") { return }
        handleCallerBlindRefer(message, call: call, event: "refer;id=\(cseq)")
    }

    /// Answers from the legs ringing a transfer target.
    func handleTransferResponse(_ event: SIPEvent, leg: OutboundLeg, call: Call) {
        guard let attempt = call.transfer else { return }
        if answerTrunkChallenge(event, leg: leg) { return }
        let status = event.status
        switch status {
        case 100..<200:
            guard status >= 180 else { return }
            if let handle = notifyHandle(attempt, call), let event = attempt.event {
                notifyTransfer(handle, event: event, status: status, final: false)
            }
            reportTransfer(call, attempt, .trying)
        case 200..<300:
            guard acceptTargetAnswer(event, leg: leg, rivals: attempt.legs) else {
                attempt.legs.removeAll { $0 === leg }
                if attempt.legs.isEmpty { failTransfer(call, status: 488) }
                return
            }
            if let timer = attempt.timer { sip.cancelTimer(timer) }
            call.transfer = nil
            if attempt.fromCaller {
                completeCallerTransfer(call, attempt, target: leg)
                return
            }
            // The target takes the transferor's place in the caller's room.
            if let transferor = attempt.transferor {
                call.legs.removeAll { $0 === transferor }
                call.room?.remove(member: transferor.stream.id)
                if let codec = transferor.audio?.codecName { call.ledger.formerCodecs.append(codec) }
            }
            if call.room == nil { call.room = attempt.room }
            call.legs.append(leg)
            call.connected = leg
            connectInRoom(call, leg)
            call.logger.info("blind transfer completed", metadata: ["target": "\(attempt.target)", "contact": "\(leg.contact)"])
            reportTransfer(call, attempt, .completed)
            attempt.finished?(nil)
            attempt.finished = nil
            if let transferor = attempt.transferor { releaseTransferor(transferor, event: attempt.event) }
        default:
            leg.ended = true
            attempt.bestFailure = status == 486 || status == 600 || status == 603 ? status : attempt.bestFailure
            attempt.legs.removeAll { $0 === leg }
            if attempt.legs.isEmpty { failTransfer(call, status: attempt.bestFailure) }
        }
    }

    /// The target could not be reached: report it and keep the call as it was.
    private func failTransfer(_ call: Call, status: Int) {
        guard let attempt = call.transfer else { return }
        call.transfer = nil
        if let timer = attempt.timer { sip.cancelTimer(timer) }
        if let handle = notifyHandle(attempt, call), let event = attempt.event {
            notifyTransfer(handle, event: event, status: status, final: true)
        }
        if let room = attempt.room, room !== call.room { room.close() }
        call.logger.info("blind transfer failed; the call stays as it was", metadata: ["target": "\(attempt.target)", "status": "\(status)"])
        reportTransfer(call, attempt, .failed)
        attempt.finished?(status)
        attempt.finished = nil
    }

    /// The dialog the attempt's NOTIFYs go on: the caller's own, or the transferor leg's.
    private func notifyHandle(_ attempt: TransferAttempt, _ call: Call) -> SIPHandle? {
        attempt.fromCaller ? call.handle : attempt.transferor?.handle
    }

    /// A NOTIFY in the REFER's implicit subscription with a message/sipfrag status line.
    func notifyTransfer(_ leg: OutboundLeg, event: String, status: Int, final: Bool) {
        notifyTransfer(leg.handle, event: event, status: status, final: final)
    }

    func notifyTransfer(_ handle: SIPHandle, event: String, status: Int, final: Bool) {
        let reason = SIPStack.reasonPhrase(status)
        logger.info("transfer notify", metadata: ["sipfrag": "\(status)", "event": "\(event)", "final": "\(final)"])
        sip.notifyReferProgress(handle, event: event,
                                subscriptionState: final ? "terminated;reason=noresource" : "active;expires=60",
                                sipfrag: "SIP/2.0 \(status) \(reason)\r\n")
    }

    /// The dialled number (user part) in a Refer-To value: `<sip:1003@host;transport=udp?Replaces=…>`.
    static func referTarget(_ referTo: String) -> String? {
        var value = referTo.trimmingCharacters(in: .whitespaces)
        if let open = value.firstIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = String(value[value.index(after: open)..<close])
        }
        guard let colon = value.firstIndex(of: ":"), ["sip", "sips", "tel"].contains(value[..<colon].lowercased()) else { return nil }
        var rest = value[value.index(after: colon)...]
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        let user = rest.prefix { $0 != ";" && $0 != "?" && $0 != ">" }
        let number = user.removingPercentEncoding ?? String(user)
        guard !number.isEmpty, number.count <= 64, number.allSatisfy({ $0.isLetter || $0.isNumber || "*#+-._".contains($0) }) else { return nil }
        return number
    }
}
