import Foundation
import Logging
import Media
import SIP

/// Rewiring bridges between parties, for attended transfer and Replaces.
///
/// A bridge is one of two shapes. An inbound call and its outgoing leg: `leg.call === call`,
/// `call.connected === leg`, both streams in `call.room`. Or two inbound calls (after a transfer
/// joined two callers): `a.control.peer === b` and back, one room shared by both. Whichever way a
/// bridge is rewired, every room still belongs to a call that closes it when it ends, and every
/// stream's media events go to the call that owns it now. SIP thread only.
extension Switch {
    /// The party at the other end of `party`'s bridge, nil when it is not bridged (a service call,
    /// a conference member, a fork still ringing).
    func partner(of party: Party) -> Party? {
        switch party {
        case .inbound(let call):
            if let leg = call.connected { return .outbound(leg) }
            return call.control.peer.map(Party.inbound)
        case .outbound(let leg):
            guard let call = leg.call, call.connected === leg else { return nil }
            return .inbound(call)
        }
    }

    /// Our party for a SIP handle.
    func party(for handle: SIPHandle) -> Party? {
        if let call = calls[handle] { return .inbound(call) }
        if let leg = outbound[handle] { return .outbound(leg) }
        return nil
    }

    /// Our dialog a Replaces header names. The RFC's orientation is tried first; phones that wrote
    /// the tags the other way round (their own view) are matched too: both tags must still agree.
    func dialog(named replaces: ReplacesHeader) -> Party? {
        if let handle = sip.dialog(callID: replaces.callID, fromTag: replaces.fromTag, toTag: replaces.toTag),
           let party = party(for: handle) {
            return party
        }
        guard replaces.fromTag != replaces.toTag,
              let handle = sip.dialog(callID: replaces.callID, fromTag: replaces.toTag, toTag: replaces.fromTag) else { return nil }
        return party(for: handle)
    }

    /// Takes `call`'s partner out of its bridge (the call keeps its room) and returns it.
    @discardableResult
    func unlinkPartner(of call: Call) -> Party? {
        if let leg = call.connected {
            call.connected = nil
            call.legs.removeAll { $0 === leg }
            leg.call = nil
            call.room?.remove(member: leg.stream.id)
            callsByStream.removeValue(forKey: leg.stream.id)
            return .outbound(leg)
        }
        if let peer = call.control.peer {
            call.control.peer = nil
            peer.control.peer = nil
            call.room?.remove(member: peer.stream.id)
            if peer.room === call.room { peer.room = nil }
            return .inbound(peer)
        }
        return nil
    }

    /// Makes `leg` the outgoing leg of `call` in `call.room` (it leaves whatever room it was in).
    func attach(_ leg: OutboundLeg, to call: Call) {
        leg.call = call
        call.connected = leg
        if !call.legs.contains(where: { $0 === leg }) { call.legs.append(leg) }
        callsByStream[leg.stream.id] = call.handle
        call.room?.add(leg.stream)
    }

    /// Bridges two inbound calls in `first`'s room; `second`'s old room is closed (its other
    /// members have been unlinked by the caller).
    func peer(_ first: Call, with second: Call) {
        let room = first.room ?? media.openRoom(sampleRate: 16000)
        first.room = room
        if let old = second.room, old !== room { old.close() }
        second.room = room
        room.add(first.stream)
        room.add(second.stream)
        first.control.peer = second
        second.control.peer = first
    }

    /// Connects two far ends, each leaving its current partner: the dialogs a transferor had with
    /// them. An inbound call keeps its room and takes the other party in; two inbound calls
    /// share the first one's room. Two outgoing legs are joined in the first one's call, the
    /// second standing in for that call's caller (which then leaves alone, see
    /// Switch+CallerTransfer.swift); false, and nothing changed, when that call cannot host them.
    func join(_ first: Party, _ second: Party) -> Bool {
        switch (first, second) {
        case (.inbound(let call), .outbound(let leg)), (.outbound(let leg), .inbound(let call)):
            guard let owner = leg.call, call.room != nil else { return false }
            unlinkPartner(of: call)
            unlinkPartner(of: owner)
            attach(leg, to: call)
            return true
        case (.inbound(let a), .inbound(let b)):
            unlinkPartner(of: a)
            unlinkPartner(of: b)
            peer(a, with: b)
            return true
        case (.outbound(let first), .outbound(let second)):
            guard let owner = first.call, owner.connected === first, owner.standIn == nil, let room = owner.room,
                  let other = second.call, other !== owner, other.connected === second else { return false }
            unlinkPartner(of: other)
            room.remove(member: owner.stream.id)
            second.call = owner
            callsByStream[second.stream.id] = owner.handle
            room.add(second.stream)
            owner.standIn = second
            return true
        }
    }

    /// Ends one of our dialogs that a transfer or Replaces took out of its bridge.
    func end(_ party: Party, reason: String) {
        switch party {
        case .inbound(let call) where call.standIn != nil:
            // Its callee and the stand-in talk on: only this dialog ends.
            call.endReason = reason
            if call.isUp {
                call.phase = .ending
                sip.bye(call.handle)
            }
        case .inbound(let call):
            hangUp(call, reason: reason)
        case .outbound(let leg):
            guard !leg.ended else { return }
            leg.ended = true
            if leg.answered { sip.bye(leg.handle) } else { sip.cancel(leg.handle) }
        }
    }
}
