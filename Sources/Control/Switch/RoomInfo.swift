import Foundation

/// A room and who is in it (`GET /rooms`).
public struct RoomInfo: Codable, Sendable, Equatable {
    public var id: RoomID
    public var kind: RoomKind
    /// The mixing rate in Hz (8000, 16000 or 48000).
    public var sampleRate: Int
    public var members: [RoomMember]
    public var recording: RecordingInfo?
    public var createdAt: Date

    public init(id: RoomID, kind: RoomKind, sampleRate: Int, members: [RoomMember] = [],
                recording: RecordingInfo? = nil, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.sampleRate = sampleRate
        self.members = members
        self.recording = recording
        self.createdAt = createdAt
    }
}

public enum RoomKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// A plain call between two parties (one may be the agent).
    case call
    /// A named conference of any size.
    case conference
    /// Where held legs listen to music.
    case hold
}

/// One member of a room.
public struct RoomMember: Codable, Sendable, Equatable {
    public var id: MemberID
    public var kind: MemberKind
    /// A name for people: the caller ID, "agent: support", "player: hold-music".
    public var displayName: String
    public var callID: CallID?
    public var legID: LegID?
    /// Others do not hear this member.
    public var muted: Bool
    /// This member hears nobody.
    public var deaf: Bool
    /// Gain step applied to what this member says, -4 (quiet) to 4 (loud); 0 is unchanged.
    public var volume: Int
    /// Voice activity in the last mixing period.
    public var talking: Bool
    public var joinedAt: Date

    public init(id: MemberID, kind: MemberKind, displayName: String, callID: CallID? = nil, legID: LegID? = nil,
                muted: Bool = false, deaf: Bool = false, volume: Int = 0, talking: Bool = false, joinedAt: Date) {
        self.id = id
        self.kind = kind
        self.displayName = displayName
        self.callID = callID
        self.legID = legID
        self.muted = muted
        self.deaf = deaf
        self.volume = volume
        self.talking = talking
        self.joinedAt = joinedAt
    }
}

public enum MemberKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// A SIP call leg.
    case leg
    /// The AI participant.
    case agent
    /// A sound being played into the room.
    case player
    /// A recorder listening to the room.
    case recorder
}
