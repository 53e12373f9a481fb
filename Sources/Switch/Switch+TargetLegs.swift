import Media
import SIP

extension Switch {
    /// A leg ringing a transfer target answered: takes its SDP answer and cancels the legs still
    /// ringing beside it. False (and the leg gets BYE) when the answer is unusable; the caller then
    /// drops the leg from its attempt.
    func acceptTargetAnswer(_ event: SIPEvent, leg: OutboundLeg, rivals: [OutboundLeg]) -> Bool {
        leg.answered = true
        guard let message = event.message, let answer = try? SDPBody.read(message),
              let audio = try? AudioNegotiation.accept(answer: answer, offer: leg.offer) else {
            leg.ended = true
            sip.bye(leg.handle)
            return false
        }
        leg.audio = audio
        leg.stream.configure(audio)
        for other in rivals where other !== leg && !other.answered && !other.ended {
            other.ended = true
            sip.cancel(other.handle)
        }
        return true
    }
}
