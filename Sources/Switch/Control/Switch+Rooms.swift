import Foundation
import Media

/// What a room member action does (``Switch/perform(_:member:room:)``).
public enum RoomMemberAction: Sendable, Equatable {
    /// The others stop (or start again) hearing the member.
    case mute(Bool)
    /// The member stops (or starts again) hearing the room.
    case deaf(Bool)
    /// The member's leg is hung up (which ends a two-party call).
    case kick
    /// Gain step -4...4 of what the member says.
    case volume(Int)
}

/// A call or a room, for playing sounds and recording.
public enum CallOrRoom: Sendable, Equatable {
    case call(String)
    case room(String)
}

/// Rooms for the control plane: listing them with their members, member actions, sounds and
/// recordings. A conference's room is named by the conference; a call's own room (two
/// parties, or a caller and the agent) is "call-N".
extension Switch {
    /// Every room with a call in it: calls' own rooms and conferences.
    public func rooms() async -> [RoomSnapshot] {
        await onSIPThread { [self] in
            var seen = Set<ObjectIdentifier>()
            var result: [RoomSnapshot] = []
            for call in calls.values.sorted(by: { $0.ledger.startedAt < $1.ledger.startedAt }) where call.phase != .ended {
                guard call.conference == nil, let room = call.room, seen.insert(ObjectIdentifier(room)).inserted else { continue }
                result.append(roomSnapshot(RoomRef(room: room, conference: nil)))
            }
            for conference in conferences.values.sorted(by: { $0.name < $1.name }) {
                result.append(roomSnapshot(RoomRef(room: conference.room, conference: conference)))
            }
            return result
        }
    }

    /// Mutes, deafens, kicks or sets the volume of one member of a room.
    public func perform(_ action: RoomMemberAction, member: String, room roomID: String) async throws(CallControlError) {
        try await onSIPThread { [self] () -> Result<Void, CallControlError> in
            guard let ref = roomRef(roomID) else { return .failure(.unknownRoom(roomID)) }
            guard let id = UInt64(member), let found = members(of: ref).first(where: { $0.id == id }) else {
                return .failure(.unknownMember(room: roomID, member: member))
            }
            let room = ref.room
            var settings = found.owner.ledger.members[id] ?? memberDefaults(found)
            switch action {
            case .mute(let on):
                settings.muted = on
                room.setMuted(id, on)
                if found.isConferenceCaller { found.owner.conferenceMuted = on }
            case .deaf(let on):
                settings.deaf = on
                room.setDeaf(id, on)
            case .volume(let level):
                guard (-4...4).contains(level) else { return .failure(.invalid("the volume step must be -4...4")) }
                settings.volume = level
                room.setVolume(id, input: level)
                if found.isConferenceCaller { found.owner.conferenceTalkVolume = level }
            case .kick:
                switch found.party {
                case .inbound(let call)?:
                    hangUp(call, reason: "kicked through the API")
                case .outbound(let leg)?:
                    end(.outbound(leg), reason: "kicked through the API")
                case nil:
                    return .failure(.notSupported("the agent cannot be kicked; hang up or transfer its call"))
                }
                return .success(())
            }
            found.owner.ledger.members[id] = settings
            found.owner.logger.info("room member changed through the control API",
                                    metadata: ["room": "\(roomID)", "member": "\(member)", "action": "\(action)"])
            return .success(())
        }.get()
    }

    /// Plays a sound from the sounds folder ("music/hold", "en/welcome") into a room, or to one
    /// call (over what it hears when it is in a room; in place of its own source when not).
    public func play(sound: String, loop: Bool = false, to target: CallOrRoom) async throws(CallControlError) {
        guard !sound.isEmpty, !sound.hasPrefix("/"), !sound.split(separator: "/").contains(".."),
              !sound.contains(where: \.isNewline) else {
            throw .invalid("a sound is named by its path inside the sounds folder")
        }
        try await onSIPThread { [self] () -> Result<Void, CallControlError> in
            switch target {
            case .room(let id):
                guard let ref = roomRef(id) else { return .failure(.unknownRoom(id)) }
                guard let clip = soundClip(sound, rate: ref.room.sampleRate) else { return .failure(.unknownSound(sound)) }
                ref.room.play(clip, loop: loop)
            case .call(let id):
                guard let call = liveCall(id) else { return .failure(.unknownCall(id)) }
                if let room = call.conference?.room ?? call.room {
                    guard !loop else { return .failure(.notSupported("a loop plays to a whole room; play it to the room")) }
                    guard let clip = soundClip(sound, rate: room.sampleRate) else { return .failure(.unknownSound(sound)) }
                    room.play(clip, to: call.stream.id)
                } else {
                    guard let clip = soundClip(sound, rate: call.sampleRate) else { return .failure(.unknownSound(sound)) }
                    call.stream.play(.sound(clip, loop: loop))
                }
            }
            return .success(())
        }.get()
    }

    /// Starts recording the mix of a call's room (or a room) to a WAV file under
    /// `<data_dir>/recordings/`; returns its path and start time.
    public func startRecording(_ target: CallOrRoom) async throws(CallControlError) -> (path: String, startedAt: Date) {
        try await onSIPThread { [self] () -> Result<(path: String, startedAt: Date), CallControlError> in
            let ref: RoomRef
            switch recordingRef(target) {
            case .success(let found): ref = found
            case .failure(let error): return .failure(error)
            }
            guard recording(of: ref) == nil else { return .failure(.wrongState("the room is already being recorded")) }
            let stamp = Self.recordingStamp.string(from: Date())
            let name = ref.conference.map { "conference-\($0.name)" } ?? Self.roomID(ref.room)
            let path = configuration.dataDirectory.appendingPathComponent("recordings/\(name)-\(stamp).wav").path
            do {
                try ref.room.startRecording(path: path)
            } catch {
                return .failure(.wrongState("cannot record: \(error)"))
            }
            let now = Date()
            if let conference = ref.conference {
                conference.recordingPath = path
            } else if let owner = owner(of: ref.room) {
                owner.ledger.recordingPath = path
                owner.ledger.recordingStartedAt = now
            }
            logger.info("recording started through the control API", metadata: ["room": "\(name)", "path": "\(path)"])
            return .success((path, now))
        }.get()
    }

    /// Stops the recording of a call's room (or a room); returns the file's path.
    public func stopRecording(_ target: CallOrRoom) async throws(CallControlError) -> String {
        try await onSIPThread { [self] () -> Result<String, CallControlError> in
            let ref: RoomRef
            switch recordingRef(target) {
            case .success(let found): ref = found
            case .failure(let error): return .failure(error)
            }
            guard let path = recording(of: ref)?.path else { return .failure(.wrongState("the room is not being recorded")) }
            let log = logger
            ref.room.stopRecording { seconds in
                log.info("recording closed", metadata: ["path": "\(path)", "seconds": "\(String(format: "%.1f", seconds))"])
            }
            if let conference = ref.conference {
                conference.recordingPath = nil
            } else if let owner = owner(of: ref.room) {
                // The call record keeps the path; a later start replaces it.
                owner.ledger.recordingStartedAt = nil
            }
            return .success(path)
        }.get()
    }

    // MARK: Rooms on the SIP thread

    struct RoomRef {
        let room: Room
        let conference: Conference?
    }

    /// One member as the SIP thread knows it.
    struct MemberRef {
        let id: UInt64
        /// The call whose ledger keeps its settings.
        let owner: Call
        /// Its dialog; nil for the agent.
        let party: Party?
        let name: String
        let leg: String?
        let isConferenceCaller: Bool
    }

    func roomRef(_ id: String) -> RoomRef? {
        if let conference = conferences[id] { return RoomRef(room: conference.room, conference: conference) }
        guard id.hasPrefix("call-"), let number = UInt64(id.dropFirst(5)),
              let room = calls.values.first(where: { $0.phase != .ended && $0.room?.id == number })?.room else { return nil }
        return RoomRef(room: room, conference: nil)
    }

    private func recordingRef(_ target: CallOrRoom) -> Result<RoomRef, CallControlError> {
        switch target {
        case .room(let id):
            guard let ref = roomRef(id) else { return .failure(.unknownRoom(id)) }
            return .success(ref)
        case .call(let id):
            guard let call = liveCall(id) else { return .failure(.unknownCall(id)) }
            if let conference = call.conference { return .success(RoomRef(room: conference.room, conference: conference)) }
            guard let room = call.room else {
                return .failure(.wrongState("the call has no room to record (a service call plays on its own)"))
            }
            return .success(RoomRef(room: room, conference: nil))
        }
    }

    /// The call that owns a call room (its caller; the first of two peers).
    private func owner(of room: Room) -> Call? {
        calls.values.filter { $0.phase != .ended && $0.room === room }.min { $0.ledger.startedAt < $1.ledger.startedAt }
    }

    private func recording(of ref: RoomRef) -> (path: String, startedAt: Date?)? {
        if let conference = ref.conference { return conference.recordingPath.map { ($0, nil) } }
        guard let owner = owner(of: ref.room), let started = owner.ledger.recordingStartedAt,
              let path = owner.ledger.recordingPath else { return nil }
        return (path, started)
    }

    func members(of ref: RoomRef) -> [MemberRef] {
        var result: [MemberRef] = []
        let owners: [Call]
        if let conference = ref.conference {
            owners = conference.members
        } else {
            owners = calls.values.filter { $0.phase != .ended && $0.room === ref.room && $0.conference == nil }
                .sorted { $0.ledger.startedAt < $1.ledger.startedAt }
        }
        for call in owners {
            result.append(MemberRef(id: call.stream.id, owner: call, party: .inbound(call), name: from(of: call),
                                    leg: "caller", isConferenceCaller: ref.conference != nil))
            if ref.conference == nil, let leg = call.connected, leg.answered, !leg.ended {
                result.append(MemberRef(id: leg.stream.id, owner: call, party: .outbound(leg), name: leg.contact,
                                        leg: "callee", isConferenceCaller: false))
            }
            if let link = call.agent, !link.left, link.room === ref.room {
                result.append(MemberRef(id: link.member, owner: call, party: nil, name: "agent \(link.name)", leg: nil,
                                        isConferenceCaller: false))
            }
        }
        return result
    }

    private func memberDefaults(_ member: MemberRef) -> CallLedger.MemberSettings {
        guard member.isConferenceCaller else { return CallLedger.MemberSettings() }
        return CallLedger.MemberSettings(muted: member.owner.conferenceMuted, deaf: false,
                                         volume: member.owner.conferenceTalkVolume)
    }

    func roomSnapshot(_ ref: RoomRef) -> RoomSnapshot {
        let list = members(of: ref).map { member in
            let settings = member.owner.ledger.members[member.id] ?? memberDefaults(member)
            return RoomMemberSnapshot(id: String(member.id), isAgent: member.party == nil, name: member.name,
                                      callID: member.owner.callID, leg: member.leg, muted: settings.muted,
                                      deaf: settings.deaf, volume: settings.volume,
                                      since: member.owner.ledger.answeredAt ?? member.owner.ledger.startedAt)
        }
        let active = recording(of: ref)
        return RoomSnapshot(id: ref.conference?.name ?? Self.roomID(ref.room), isConference: ref.conference != nil,
                            sampleRate: ref.room.sampleRate, members: list, recordingPath: active?.path,
                            recordingStartedAt: active?.startedAt,
                            since: list.map(\.since).min() ?? Date())
    }

    /// A sound at `rate`, nil when there is no such file.
    private func soundClip(_ name: String, rate: Int) -> SoundClip? {
        let url = configuration.soundFile(name, sampleRate: rate)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try? sounds.clip(at: url, sampleRate: rate)
    }
}
