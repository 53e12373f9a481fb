import Foundation
import Media

/// Copies of calls for the control plane, made on the SIP thread.
extension Switch {
    func snapshot(_ call: Call) -> CallSnapshot {
        var legs = [callerLeg(call)]
        if let leg = call.connected {
            legs.append(legSnapshot(leg, id: "callee", side: .callee))
        } else if let peer = call.control.peer {
            var far = callerLeg(peer)
            far.id = "callee"
            far.side = .callee
            legs.append(far)
        }
        var fork = 0
        for leg in call.legs where leg !== call.connected && !leg.ended {
            fork += 1
            legs.append(legSnapshot(leg, id: "fork-\(fork)", side: nil))
        }
        for (index, leg) in (call.transfer?.legs ?? []).enumerated() where !leg.ended {
            legs.append(legSnapshot(leg, id: "transfer-\(index + 1)", side: nil))
        }
        return CallSnapshot(
            id: call.callID, state: state(of: call), direction: direction(of: call), from: from(of: call),
            to: to(of: call), target: targetKind(of: call), trunk: trunkName(of: call), legs: legs,
            room: roomID(of: call), startedAt: call.ledger.startedAt, answeredAt: call.ledger.answeredAt,
            conversationID: call.agent?.conversation.rawValue,
            recordingPath: call.ledger.recordingPath ?? call.conference?.recordingPath)
    }

    func snapshot(_ origination: Origination) -> CallSnapshot {
        let legs = origination.legs.enumerated().filter { !$0.element.ended }.map { index, leg in
            LegSnapshot(id: "fork-\(index + 1)", side: nil, remoteURI: leg.contact, state: .ringing, codec: nil,
                        srtp: false, remoteMedia: nil, heldByParley: false, remoteHold: false, quality: nil,
                        streamID: leg.stream.id)
        }
        return CallSnapshot(
            id: origination.id, state: .ringing, direction: .outbound, from: origination.ledger.originatedFrom ?? "",
            to: origination.ledger.originatedTo ?? "", target: origination.targetKind, trunk: origination.ledger.originatedTrunk, legs: legs,
            room: nil, startedAt: origination.ledger.startedAt, answeredAt: nil, conversationID: nil, recordingPath: nil)
    }

    /// Each origination still ringing, once (every one of its legs maps to it).
    func pendingOriginations() -> [Origination] {
        var seen = Set<ObjectIdentifier>()
        return originations.values.filter { !$0.ended && seen.insert(ObjectIdentifier($0)).inserted }
    }

    func origination(named id: String) -> Origination? {
        originations.values.first { $0.id == id && !$0.ended }
    }

    private func state(of call: Call) -> CallSnapshot.State {
        switch call.phase {
        case .offered: return .ringing
        case .ending, .ended: return .ending
        case .answered, .confirmed:
            if call.transfer != nil || call.agent?.transfer != nil { return .transferring }
            if call.control.heldByUs || call.connected?.control.heldByUs == true || call.agent?.onHold == true {
                return .held
            }
            return .answered
        }
    }

    private func callerLeg(_ call: Call) -> LegSnapshot {
        let state: LegSnapshot.State
        switch call.phase {
        case .offered: state = .ringing
        case .answered, .confirmed: state = isHeld(call.audio, call.control) ? .held : .answered
        case .ending, .ended: state = .ending
        }
        return LegSnapshot(id: "caller", side: .caller, remoteURI: call.ledger.originatedFrom ?? Self.addressURI(call.from),
                           state: state, codec: call.audio?.codecName, srtp: call.audio?.srtp != nil,
                           remoteMedia: call.audio?.remote.description, heldByParley: call.control.heldByUs,
                           remoteHold: call.audio.map { !$0.sends } ?? false, quality: nil, streamID: call.stream.id)
    }

    private func legSnapshot(_ leg: OutboundLeg, id: String, side: CallLegSide?) -> LegSnapshot {
        let state: LegSnapshot.State
        if leg.ended {
            state = .ending
        } else if !leg.answered {
            state = .ringing
        } else {
            state = isHeld(leg.audio, leg.control) ? .held : .answered
        }
        return LegSnapshot(id: id, side: side, remoteURI: leg.contact, state: state, codec: leg.audio?.codecName,
                           srtp: leg.audio?.srtp != nil, remoteMedia: leg.audio?.remote.description,
                           heldByParley: leg.control.heldByUs, remoteHold: leg.audio.map { !$0.sends } ?? false,
                           quality: nil, streamID: leg.stream.id)
    }

    private func isHeld(_ audio: NegotiatedAudio?, _ control: LegControl) -> Bool {
        control.heldByUs || audio.map { !$0.sends } == true
    }

    /// The API's id of the room the call's audio meets in.
    func roomID(of call: Call) -> String? {
        if let conference = call.conference { return conference.name }
        return call.room.map { Self.roomID($0) }
    }

    static func roomID(_ room: Room) -> String {
        "call-\(room.id)"
    }
}
