import Foundation

/// A call as the switch saw it at one moment (``Switch/calls()``): copied off the SIP thread, so
/// it can be read anywhere and never changes.
public struct CallSnapshot: Sendable, Equatable {
    /// The Call-ID of the call's inbound leg, or the id ``Switch/originate(_:)`` returned.
    public var id: String
    public var state: State
    public var direction: Direction
    /// Who called (a SIP URI; for an originated call, the party Parley rang).
    public var from: String
    /// What was dialled (an extension or number; for an originated call, what it connects to).
    public var to: String
    /// What the call reaches: "echo", "playback", "user", "trunk", "conference", "agent".
    public var target: String
    public var trunk: String?
    /// The caller's leg first, then the leg it is bridged with, then legs still ringing.
    public var legs: [LegSnapshot]
    /// The room the call's audio meets in (see ``RoomSnapshot/id``).
    public var room: String?
    public var startedAt: Date
    public var answeredAt: Date?
    public var conversationID: String?
    public var recordingPath: String?

    public enum State: String, Sendable, CaseIterable {
        case ringing, answered, held, transferring, ending
    }

    public enum Direction: String, Sendable, CaseIterable {
        /// From a trunk or an outside address.
        case inbound
        /// Out on a trunk, or placed by Parley (originate).
        case outbound
        /// From one of our users to a user or a service.
        case `internal`
    }
}

/// One SIP dialog of a call.
public struct LegSnapshot: Sendable, Equatable {
    /// "caller", "callee", "fork-N" (ringing) or "transfer-N" (a transfer target ringing).
    public var id: String
    /// The side call-control requests name this leg by, when they can.
    public var side: CallLegSide?
    /// The far end's URI.
    public var remoteURI: String
    public var state: State
    /// The negotiated codec ("PCMU", "opus"), once there is an answer.
    public var codec: String?
    public var srtp: Bool
    /// Where its RTP goes ("192.0.2.7:4000").
    public var remoteMedia: String?
    /// Parley holds this leg (``Switch/hold(callID:leg:)``).
    public var heldByParley: Bool
    /// The far end holds us (its SDP stops us sending to it).
    public var remoteHold: Bool
    public var quality: MediaQualitySnapshot?
    /// The leg's media stream (its member id in a room).
    public var streamID: UInt64

    public enum State: String, Sendable, CaseIterable {
        case ringing, answered, held, ending
    }
}

/// A room and who is in it (``Switch/rooms()``).
public struct RoomSnapshot: Sendable, Equatable {
    /// A conference's name, or "call-N" for a call's own room.
    public var id: String
    public var isConference: Bool
    public var sampleRate: Int
    public var members: [RoomMemberSnapshot]
    public var recordingPath: String?
    public var recordingStartedAt: Date?
    /// When its oldest member's call started.
    public var since: Date
}

/// One member of a room.
public struct RoomMemberSnapshot: Sendable, Equatable {
    /// The member id room actions take: a leg's stream id, or the agent's member id.
    public var id: String
    public var isAgent: Bool
    /// The caller's address, the callee's contact, or "agent NAME".
    public var name: String
    public var callID: String?
    /// "caller" or "callee" for legs.
    public var leg: String?
    public var muted: Bool
    public var deaf: Bool
    /// Volume step -4...4 of what the member says.
    public var volume: Int
    public var since: Date
}
