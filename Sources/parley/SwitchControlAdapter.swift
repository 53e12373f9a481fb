import Control
import Foundation
import ParleyConfig
import Registrar
import Switch
import Trunks

/// The control API's ``SwitchControl`` over the running ``Switch``: every request goes to the
/// switch's public API (which runs it on the SIP thread) and every answer is mapped to the API's
/// types; refusals keep their meaning (unknown call 404, wrong state 409, ...).
struct SwitchControlAdapter: SwitchControl {
    let parley: Switch
    let configuration: ParleyConfiguration

    func calls() async throws(ControlError) -> [LiveCall] {
        await parley.calls().map(Self.liveCall)
    }

    func call(_ id: CallID) async throws(ControlError) -> LiveCall {
        do {
            return Self.liveCall(try await parley.call(id.rawValue))
        } catch {
            throw Self.map(error, call: id)
        }
    }

    func originate(_ request: OriginateRequest) async throws(ControlError) -> CallID {
        guard let connectTo = request.connectTo else {
            throw .badRequest("\"connectTo\" is required: an extension, room:NAME or agent:NAME")
        }
        do {
            return CallID(try await parley.originate(to: request.to, connectTo: connectTo, callerID: request.callerID,
                                                     ringSeconds: request.timeoutSeconds))
        } catch {
            throw Self.map(error, call: nil)
        }
    }

    func hangUp(_ call: CallID, _ request: HangUpRequest) async throws(ControlError) {
        do {
            try await parley.hangUp(callID: call.rawValue, status: request.status)
        } catch {
            throw Self.map(error, call: call)
        }
    }

    func hold(_ call: CallID, leg: LegID?) async throws(ControlError) {
        let side = try Self.side(leg, call: call)
        do {
            try await parley.hold(callID: call.rawValue, leg: side)
        } catch {
            throw Self.map(error, call: call)
        }
    }

    func resume(_ call: CallID, leg: LegID?) async throws(ControlError) {
        let side = try Self.side(leg, call: call)
        do {
            try await parley.resume(callID: call.rawValue, leg: side)
        } catch {
            throw Self.map(error, call: call)
        }
    }

    func transfer(_ call: CallID, _ request: TransferRequest) async throws(ControlError) {
        switch request {
        case .blind(let target):
            do {
                try await parley.transfer(callID: call.rawValue, to: target)
            } catch {
                throw Self.map(error, call: call)
            }
        case .attended(let other):
            do {
                try await parley.attendedTransfer(callID: call.rawValue, withCallID: other.rawValue)
            } catch {
                throw Self.map(error, call: call)
            }
        }
    }

    func sendDTMF(_ call: CallID, _ request: DTMFRequest) async throws(ControlError) {
        let side = try Self.side(request.leg, call: call)
        do {
            try await parley.sendDTMF(callID: call.rawValue, digits: request.digits,
                                      durationMilliseconds: request.durationMilliseconds ?? 100, leg: side,
                                      delivery: request.method.flatMap(DTMFDelivery.init(rawValue:)) ?? .auto)
        } catch {
            throw Self.map(error, call: call)
        }
    }

    func rooms() async throws(ControlError) -> [RoomInfo] {
        await parley.rooms().map(Self.roomInfo)
    }

    func perform(_ action: MemberAction, on member: MemberID, in room: RoomID) async throws(ControlError) {
        let switchAction: RoomMemberAction
        switch action {
        case .mute: switchAction = .mute(true)
        case .unmute: switchAction = .mute(false)
        case .deaf: switchAction = .deaf(true)
        case .undeaf: switchAction = .deaf(false)
        case .kick: switchAction = .kick
        case .volume(let level): switchAction = .volume(level)
        }
        do {
            try await parley.perform(switchAction, member: member.rawValue, room: room.rawValue)
        } catch {
            throw Self.map(error, call: nil)
        }
    }

    func play(_ request: PlayRequest, to target: MediaTarget) async throws(ControlError) {
        do {
            try await parley.play(sound: request.sound, loop: request.loop ?? false, to: Self.place(target))
        } catch {
            throw Self.map(error, call: Self.callID(target))
        }
    }

    func startRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo {
        do {
            let (path, started) = try await parley.startRecording(Self.place(target))
            return RecordingInfo(path: path, active: true, startedAt: started)
        } catch {
            throw Self.map(error, call: Self.callID(target))
        }
    }

    func stopRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo {
        do {
            return RecordingInfo(path: try await parley.stopRecording(Self.place(target)), active: false)
        } catch {
            throw Self.map(error, call: Self.callID(target))
        }
    }

    func registrations() async throws(ControlError) -> [RegistrationInfo] {
        let bindings = Dictionary(grouping: parley.registrations(), by: \.aor)
        return bindings.keys.sorted().map { user in
            RegistrationInfo(user: user, contacts: (bindings[user] ?? []).sorted { $0.registeredAt < $1.registeredAt }.map { binding in
                RegisteredContact(uri: binding.contactURI, expiresAt: binding.expiresAt,
                                  source: "\(binding.received.host.contains(":") ? "[\(binding.received.host)]" : binding.received.host):\(binding.received.port)",
                                  transport: binding.transport.lowercased(), userAgent: binding.userAgent,
                                  registeredAt: binding.registeredAt)
            })
        }
    }

    func trunks() async throws(ControlError) -> [TrunkInfo] {
        let statuses = parley.trunkStatus
        let active = await parley.calls().reduce(into: [String: Int]()) { counts, call in
            if let trunk = call.trunk { counts[trunk, default: 0] += 1 }
        }
        return configuration.trunks.map { trunk in
            var info = TrunkInfo(name: trunk.name, state: .unregistered, registrar: trunk.registrar?.description,
                                 activeCalls: active[trunk.name] ?? 0)
            guard let status = statuses[trunk.name] else { return info }
            info.registrar = status.registrar
            switch status.state {
            case .unregistered, .unregistering, .stopped: info.state = .unregistered
            case .registering: info.state = .registering
            case .registered(let until):
                info.state = .registered
                info.expiresAt = until
            case .failed: info.state = .failed
            }
            if let failure = status.lastFailure { info.lastError = failure.description }
            return info
        }
    }

    // MARK: Mapping

    static func liveCall(_ call: CallSnapshot) -> LiveCall {
        let state: CallState
        switch call.state {
        case .ringing: state = .ringing
        case .answered: state = .answered
        case .held: state = .held
        case .transferring: state = .transferring
        case .ending: state = .ending
        }
        return LiveCall(id: CallID(call.id), state: state, direction: direction(call.direction), from: call.from, to: call.to,
                        legs: call.legs.map(leg), room: call.room.map(RoomID.init), trunk: call.trunk,
                        startedAt: call.startedAt, answeredAt: call.answeredAt, conversationID: call.conversationID)
    }

    static func direction(_ direction: CallSnapshot.Direction) -> CallDirection {
        switch direction {
        case .inbound: .inbound
        case .outbound: .outbound
        case .internal: .internal
        }
    }

    private static func leg(_ leg: LegSnapshot) -> CallLeg {
        let state: LegState
        switch leg.state {
        case .ringing: state = .ringing
        case .answered: state = .answered
        case .held: state = .held
        case .ending: state = .ending
        }
        let quality = leg.quality.map { q in
            MediaQuality(packetsReceived: UInt64(max(0, q.packetsReceived)), packetsSent: UInt64(max(0, q.packetsSent)),
                         packetsLost: UInt64(max(0, q.packetsLost)), jitterMilliseconds: q.jitterMilliseconds,
                         roundTripMilliseconds: q.roundTripMilliseconds,
                         mos: q.packetsReceived > 0
                             ? QualityEstimate.mos(lossPercent: q.lossPercent, jitterMilliseconds: q.jitterMilliseconds,
                                                   roundTripMilliseconds: q.roundTripMilliseconds, codec: leg.codec)
                             : nil)
        }
        return CallLeg(id: LegID(leg.id), remoteURI: leg.remoteURI, state: state, codec: leg.codec, srtp: leg.srtp,
                       onHold: leg.heldByParley || leg.remoteHold, quality: quality)
    }

    private static func roomInfo(_ room: RoomSnapshot) -> RoomInfo {
        let members = room.members.map { member in
            RoomMember(id: MemberID(member.id), kind: member.isAgent ? .agent : .leg, displayName: member.name,
                       callID: member.callID.map(CallID.init), legID: member.leg.map(LegID.init), muted: member.muted,
                       deaf: member.deaf, volume: member.volume, joinedAt: member.since)
        }
        let recording = room.recordingPath.map { RecordingInfo(path: $0, active: true, startedAt: room.recordingStartedAt) }
        return RoomInfo(id: RoomID(room.id), kind: room.isConference ? .conference : .call, sampleRate: room.sampleRate,
                        members: members, recording: recording, createdAt: room.since)
    }

    private static func place(_ target: MediaTarget) -> CallOrRoom {
        switch target {
        case .call(let id): .call(id.rawValue)
        case .room(let id): .room(id.rawValue)
        }
    }

    private static func callID(_ target: MediaTarget) -> CallID? {
        if case .call(let id) = target { return id }
        return nil
    }

    /// "caller" or "callee"; nil means the caller.
    private static func side(_ leg: LegID?, call: CallID) throws(ControlError) -> CallLegSide {
        guard let leg else { return .caller }
        guard let side = CallLegSide(rawValue: leg.rawValue) else { throw .unknownLeg(leg, call: call) }
        return side
    }

    static func map(_ error: CallControlError, call: CallID?) -> ControlError {
        switch error {
        case .unknownCall(let id): return .unknownCall(CallID(id))
        case .noSuchLeg(let id, let side): return .unknownLeg(LegID(side.rawValue), call: CallID(id))
        case .wrongState(let reason): return .wrongState(reason)
        case .rejected(let status): return .wrongState("the far end refused (\(status))")
        case .callEnded: return .wrongState("the call ended")
        case .shuttingDown: return .unavailable("the switch is shutting down")
        case .unknownTarget(let target): return .unknownTarget(target)
        case .unreachable(let target, let status):
            return ControlError(statusCode: 409, code: "target_unavailable", message: "\(target) cannot be reached (\(status))")
        case .unknownRoom(let room): return .unknownRoom(RoomID(room))
        case .unknownMember(let room, let member): return .unknownMember(MemberID(member), room: RoomID(room))
        case .unknownSound(let name): return ControlError(statusCode: 404, code: "unknown_sound", message: "no sound named \(name)")
        case .notSupported(let what): return .notImplemented(what)
        case .invalid(let reason): return .badRequest(reason)
        }
    }
}
