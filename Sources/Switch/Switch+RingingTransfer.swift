import Foundation
import Logging
import Media
import SIP

/// Semi-attended transfer (what desk phones do when the transferor hangs up before the target
/// answers): B talks to A and consults C, C still rings, and B sends REFER on A's call with
/// Replaces naming its consultation call. The consultation's ringing legs move to A's call as a
/// transfer attempt: A hears ringback, B's two dialogs end (NOTIFY 200, BYE, and a final response
/// to B's consultation INVITE), and when C answers A and C talk. If C never answers (or refuses),
/// A's call ends: A's former party is gone. When B had called A (A's dialog is a leg Parley placed
/// for B's call), A's leg first becomes a call of its own (Switch+LegPromotion.swift) that keeps
/// the call's room, then waits the same way. SIP thread only.
extension Switch {
    /// Hands `consultation`'s ringing legs to the party B's REFER leaves behind.
    func transferToRinging(_ consultation: Call, referrer: Party, logger: Logger) -> AttendedOutcome {
        guard let transferee = partner(of: referrer) else {
            return .failure(status: 488, reason: "the REFER's dialog is not bridged to anyone")
        }
        let ringing = consultation.legs.filter { !$0.answered && !$0.ended }
        let call: Call
        switch transferee {
        case .inbound(let inbound):
            guard inbound.isUp, inbound.room != nil, inbound !== consultation else {
                return .failure(status: 501, reason: "the transferee's call cannot wait for a ringing target")
            }
            guard inbound.transfer == nil, inbound.agent == nil, inbound.conference == nil else {
                return .failure(status: 491, reason: "the transferee's call is busy with another transfer")
            }
            guard consultation.connected == nil, !ringing.isEmpty else {
                return .failure(status: 481, reason: "the consultation call has nothing ringing")
            }
            // B leaves A's call (handleAttendedRefer ends B's dialog).
            unlinkPartner(of: inbound)
            call = inbound
        case .outbound(let leg):
            guard let owner = leg.call, owner !== consultation, owner.isUp, owner.standIn == nil, owner.room != nil,
                  leg.answered, !leg.ended else {
                return .failure(status: 481, reason: "the transferee is not connected")
            }
            guard owner.transfer == nil, leg.control.reinvite == nil else {
                return .failure(status: 491, reason: "the transferee's call is busy with another transfer or re-INVITE")
            }
            guard consultation.connected == nil, !ringing.isEmpty else {
                return .failure(status: 481, reason: "the consultation call has nothing ringing")
            }
            // A's leg leaves B's call (handleAttendedRefer ends B's dialog) as a call of its own,
            // taking the call's room: A's stream stays where it is and hears the ringback at once.
            call = promote(leg, of: owner, to: consultation.target, keepingRoom: true)
        }
        guard let room = call.room else {
            return .failure(status: 500, reason: "the transferee's call lost its room")
        }
        // The consultation gives up its forks.
        if let timer = consultation.answerTimer { sip.cancelTimer(timer) }
        consultation.answerTimer = nil
        consultation.legs.removeAll()
        for leg in ringing {
            leg.call = call
            callsByStream[leg.stream.id] = call.handle
        }
        let attempt = TransferAttempt(transferor: nil, event: nil, target: dialled(consultation))
        attempt.legs = ringing
        room.setParked(call.stream.id, music: ToneClips.ringback(sampleRate: room.sampleRate))
        attempt.finished = { [weak self, weak call] status in
            guard let self, let call else { return }
            call.room?.setParked(call.stream.id, music: nil)
            if let status { self.hangUp(call, reason: "transfer target did not answer (\(status))") }
        }
        startTransfer(attempt, on: call, ringSeconds: Self.transferRingSeconds)
        logger.info("attended transfer to a ringing target", metadata: ["transferee": "\(transferee.logName)", "target": "\(attempt.target)",
                                                                        "forks": "\(ringing.count)", "transferee-call": "\(call.callID)"])
        return .success(replaced: .inbound(consultation))
    }
}
