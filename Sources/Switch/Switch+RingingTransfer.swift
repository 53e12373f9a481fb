import Foundation
import Logging
import Media
import SIP

/// Semi-attended transfer (what desk phones do when the transferor hangs up before the target
/// answers): B talks to A and consults C, C still rings, and B sends REFER on A's call with
/// Replaces naming its consultation call. The consultation's ringing legs move to A's call as a
/// transfer attempt: A hears ringback, B's two dialogs end (NOTIFY 200, BYE, and a final response
/// to B's consultation INVITE), and when C answers A and C talk. If C never answers (or refuses),
/// A's call ends: A's former party is gone. SIP thread only.
extension Switch {
    /// Hands `consultation`'s ringing legs to the caller B's REFER leaves behind.
    func transferToRinging(_ consultation: Call, referrer: Party, logger: Logger) -> AttendedOutcome {
        guard let transferee = partner(of: referrer) else {
            return .failure(status: 488, reason: "the REFER's dialog is not bridged to anyone")
        }
        guard case .inbound(let call) = transferee, call.isUp, let room = call.room, call !== consultation else {
            return .failure(status: 501, reason: "the transferee is a leg Parley placed; only a caller can wait for a ringing target")
        }
        guard call.transfer == nil, call.agent == nil, call.conference == nil else {
            return .failure(status: 491, reason: "the transferee's call is busy with another transfer")
        }
        let ringing = consultation.legs.filter { !$0.answered && !$0.ended }
        guard consultation.connected == nil, !ringing.isEmpty else {
            return .failure(status: 481, reason: "the consultation call has nothing ringing")
        }
        // B leaves A's call (handleAttendedRefer ends B's dialog); the consultation gives up its forks.
        unlinkPartner(of: call)
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
                                                                        "forks": "\(ringing.count)"])
        return .success(replaced: .inbound(consultation))
    }
}
