import Foundation
import Logging
import Media

/// A call waiting in a parking slot, and who parked it. SIP thread only.
final class ParkedCall {
    weak var call: Call?
    let slot: String
    /// The user who parked the call (rung when nobody picks it up); nil when unknown.
    let parker: String?
    /// Fires when nobody picked the call up in time.
    var timer: UInt64?

    init(call: Call, slot: String, parker: String?) {
        self.call = call
        self.slot = slot
        self.parker = parker
    }
}

/// Call park and pickup (`action: park` slots). A blind transfer to a slot (REFER or the control
/// API) parks the transferee: it waits alone in a room with hold music and the transferor is
/// released. A user dialling the slot picks it up (the two callers are bridged). When nobody does
/// within the slot's timeout the parked call rings whoever parked it, and is hung up if that
/// fails too. SIP thread only.
extension Switch {
    /// The parked call, while it is still there to be picked up.
    func liveParked(_ parked: ParkedCall) -> Call? {
        guard let call = parked.call, call.isUp, calls[call.handle] === call else { return nil }
        return call
    }

    /// Puts `call` (its party already released) in `slot` with hold music.
    func park(_ call: Call, slot: String, timeoutSeconds: Int, parker: String?) {
        let room = media.openRoom(sampleRate: 16000)
        call.room = room
        room.add(call.stream)
        room.setParked(call.stream.id, music: holdMusic(for: room))
        let parked = ParkedCall(call: call, slot: slot, parker: parker)
        parkingLot[slot] = parked
        parked.timer = sip.schedule(after: timeoutSeconds * 1000) { [weak self, weak parked] in
            guard let self, let parked, self.parkingLot[slot] === parked else { return }
            parked.timer = nil
            self.parkingLot[slot] = nil
            self.parkTimedOut(parked)
        }
        call.logger.info("call parked", metadata: ["slot": "\(slot)", "parker": "\(parker ?? "-")", "timeout-s": "\(timeoutSeconds)"])
    }

    /// Nobody picked the call up: it rings the parker (music until the parker answers).
    private func parkTimedOut(_ parked: ParkedCall) {
        guard let call = liveParked(parked) else { return }
        guard let parker = parked.parker else {
            hangUp(call, reason: "parked call not picked up")
            return
        }
        call.logger.info("parked call not picked up; ringing the parker", metadata: ["slot": "\(parked.slot)", "parker": "\(parker)"])
        let refusal = blindTransfer(call, to: parker, transferor: nil, event: nil) { [weak self, weak call] status in
            guard let self, let call else { return }
            call.room?.setParked(call.stream.id, music: nil)
            if status != nil { self.hangUp(call, reason: "parked call not picked up") }
        }
        if let refusal {
            call.logger.info("cannot ring the parker back", metadata: ["reason": "\(refusal)"])
            hangUp(call, reason: "parked call not picked up")
        }
    }

    /// `call` dialled `slot` and is answered: it is bridged with the call parked there.
    func pickUp(_ call: Call, slot: String) {
        // startSource runs again on a re-INVITE: only the first time picks up.
        guard call.control.peer == nil, call.room == nil else { return }
        guard let parked = parkingLot[slot], let waiting = liveParked(parked), waiting !== call else {
            hangUp(call, reason: "nothing parked in \(slot)")
            return
        }
        parkingLot[slot] = nil
        if let timer = parked.timer { sip.cancelTimer(timer) }
        parked.timer = nil
        waiting.room?.setParked(waiting.stream.id, music: nil)
        peer(waiting, with: call)
        call.logger.info("parked call picked up", metadata: ["slot": "\(slot)", "parked-call": "\(waiting.callID)"])
        waiting.logger.info("picked up from the parking slot", metadata: ["slot": "\(slot)", "by": "\(call.callID)"])
    }
}
