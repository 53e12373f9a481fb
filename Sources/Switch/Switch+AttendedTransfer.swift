import Foundation
import Logging
import Media
import SIP

/// Attended transfer (RFC 5589 §7, RFC 3891 Replaces, RFC 3892 Referred-By) inside the B2BUA.
///
/// B talks to A on one dialog with Parley and consults C on another; then B sends REFER on one of
/// them with `Refer-To: <sip:C?Replaces=…>` naming the other. Both of B's dialogs are Parley's own
/// legs (B only ever sees Parley's Call-IDs and tags), so instead of sending an INVITE with
/// Replaces anywhere Parley finds the named dialog itself, joins the two far ends (A and C) in one
/// room, reports `SIP/2.0 200 OK` in the NOTIFY, and ends both of B's dialogs with BYE. The
/// Replaces must name a dialog of ours other than the REFER's own: an unknown one is reported as
/// 481, a dialog already ending as 603 (RFC 3891 §3), and nothing changes then. A consultation
/// call of B's still ringing is a semi-attended transfer (Switch+RingingTransfer.swift).
extension Switch {
    /// A REFER whose Refer-To carries Replaces, on either of our legs (SIP thread).
    func handleAttendedRefer(_ message: SIPMessage, on referrer: Party, event eventName: String) {
        let referTo = message.header("Refer-To") ?? ""
        let referredBy = message.header("Referred-By") ?? message.from ?? "-"
        let logger = referrer.call?.logger ?? self.logger
        logger.info("attended transfer requested", metadata: ["refer-to": "\(referTo)", "referred-by": "\(referredBy)",
                                                              "on": "\(referrer.logName)"])
        let outcome = attendedTransfer(referTo: referTo, referrer: referrer, logger: logger)
        switch outcome {
        case .failure(let status, let reason):
            logger.info("attended transfer refused; nothing changes", metadata: ["status": "\(status)", "reason": "\(reason)"])
            notifyTransfer(referrer.handle, event: eventName, status: status, final: true)
        case .success(let replaced):
            notifyTransfer(referrer.handle, event: eventName, status: 200, final: true)
            // The transferor drops out of both calls (RFC 5589 §7.1 lets it hang up; we make sure).
            end(replaced, reason: "replaced by attended transfer")
            end(referrer, reason: "attended transfer completed")
        }
    }

    enum AttendedOutcome {
        case success(replaced: Party)
        case failure(status: Int, reason: String)
    }

    private func attendedTransfer(referTo: String, referrer: Party, logger: Logger) -> AttendedOutcome {
        guard referrer.dialogState == .confirmed else { return .failure(status: 481, reason: "the REFER's own dialog is not up") }
        guard let replaces = ReplacesHeader(referTo: referTo) else {
            return .failure(status: 400, reason: "malformed Replaces in Refer-To")
        }
        guard let replaced = dialog(named: replaces) else {
            return .failure(status: 481, reason: "Replaces names no dialog of ours")
        }
        guard !replaced.isSame(as: referrer) else { return .failure(status: 400, reason: "Replaces names the REFER's own dialog") }
        guard referrer.call?.transfer == nil, replaced.call?.transfer == nil else {
            return .failure(status: 491, reason: "a blind transfer of one of the calls is still under way")
        }
        if case .inbound(let consultation) = replaced, consultation.phase == .offered {
            // The transferor's own consultation call is still ringing: semi-attended transfer.
            return transferToRinging(consultation, referrer: referrer, logger: logger)
        }
        switch ReplacesDecision.decide(state: replaced.dialogState, role: replaced.role, earlyOnly: replaces.earlyOnly) {
        case .reject(let status):
            return .failure(status: status, reason: "the named dialog is \(replaced.dialogState)")
        case .replace(.cancel):
            // A transfer to a call still ringing is not carried out: its far end has not answered.
            return .failure(status: 481, reason: "the named dialog is still ringing")
        case .replace(.bye):
            break
        }
        guard let transferee = partner(of: referrer), let target = partner(of: replaced) else {
            return .failure(status: 488, reason: "a dialog is not bridged to anyone")
        }
        guard !transferee.isSame(as: replaced), !target.isSame(as: referrer), !transferee.isSame(as: target) else {
            return .failure(status: 400, reason: "both dialogs belong to the same call")
        }
        guard transferee.dialogState == .confirmed, target.dialogState == .confirmed else {
            return .failure(status: 481, reason: "a far end is not connected")
        }
        guard join(transferee, target) else {
            return .failure(status: 501, reason: "the two far ends cannot be joined")
        }
        logger.info("attended transfer completed", metadata: ["transferee": "\(transferee.logName)", "target": "\(target.logName)",
                                                              "room": "\(transferee.room.map { "\($0.id)" } ?? "-")"])
        return .success(replaced: replaced)
    }
}
