import Foundation
import Logging
import Media
import Registrar
import SIP

/// A leg Parley placed becomes a call of its own. Transfers sometimes leave the party Parley
/// called with nobody of its original call: a caller sends its callee to a conference, the agent
/// or a parking slot, or a called party hands its caller over to a target still ringing. That
/// party's dialog then needs what a caller's has (a target, DTMF handling, hold, its own record),
/// so its ``OutboundLeg`` is taken out of its call and a ``Call`` is built on the same dialog,
/// stream and SDP state, as an originated call is once it answers: dispatch goes by SIP handle
/// (`calls` first), so the dialog's BYE, re-INVITEs, INFO and DTMF reach the new call from then
/// on. The old call no longer knows the leg (its hang-up, forks and room leave it alone); the new
/// call owns and closes the stream. SIP thread only.
extension Switch {
    /// Takes `leg`, the answered callee of `owner`, out of `owner` (its forks, its connected leg,
    /// the stream and handle maps) and registers a confirmed call for it on the same dialog, going
    /// to `target`. The leg leaves `owner`'s room, or with `keepingRoom` the room goes with it
    /// (`owner`'s own stream leaves it instead): a stream that stays where it is can be given
    /// music at once, where one moving to another room's media thread would arrive after it.
    /// The caller checks that the leg is answered, not ended and has no re-INVITE of ours in
    /// flight. Reported like a new call (incoming, then answered).
    func promote(_ leg: OutboundLeg, of owner: Call, to target: CallTarget, keepingRoom: Bool = false) -> Call {
        if owner.connected === leg { owner.connected = nil }
        owner.legs.removeAll { $0 === leg }
        var room: Room?
        if keepingRoom, let kept = owner.room {
            kept.remove(member: owner.stream.id)
            owner.room = nil
            room = kept
        } else {
            owner.room?.remove(member: leg.stream.id)
        }
        if let codec = leg.audio?.codecName { owner.ledger.formerCodecs.append(codec) }
        outbound.removeValue(forKey: leg.handle)
        callsByStream.removeValue(forKey: leg.stream.id)
        leg.call = nil
        // The OutboundLeg is retired (nothing may BYE or close it again); its dialog lives on below.
        leg.ended = true
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let party = PromotedParty(originalCallID: owner.callID, user: leg.user, contact: leg.contact,
                                  realm: pbx?.realm ?? configuration.sip.domain, suffix: suffix)
        var log = owner.logger
        log[metadataKey: "call-id"] = "\(party.callID)"
        let call = Call(handle: leg.handle, callID: party.callID, from: party.from, target: target, stream: leg.stream,
                        local: leg.local, logger: log, control: leg.control)
        if let user = leg.user, let known = pbx?.directory.user(user) {
            call.caller = known
        } else {
            call.caller = party.username.map { DirectoryUser(username: $0, secret: .password(""), callerIDName: nil) }
        }
        call.audio = leg.audio
        call.room = room
        call.phase = .confirmed
        call.dialledByParley = true
        call.answeredAt = .now
        call.transferredFrom = owner.callID
        // A party Parley reached on a trunk stays one (its provider may still be asked to REFER it on).
        call.ledger.originatedTrunk = leg.trunkName
        call.remoteAllow = leg.remoteAllow
        register(call)
        reportCallAnswered(call)
        log.info("callee leg became a call of its own", metadata: ["from-call": "\(owner.callID)", "contact": "\(leg.contact)",
                                                                  "target": "\(dialled(call))"])
        return call
    }
}
