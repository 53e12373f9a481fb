import Foundation

/// A call as the switch sees it right now (`GET /calls`).
public struct LiveCall: Codable, Sendable, Equatable {
    public var id: CallID
    public var state: CallState
    public var direction: CallDirection
    /// Who called, as the caller presented it (a SIP URI or a number).
    public var from: String
    /// Who was called (the dialled extension, number or URI).
    public var to: String
    public var legs: [CallLeg]
    /// The room the call's legs are mixed in, once media flows.
    public var room: RoomID?
    /// The trunk the call came in on or went out through.
    public var trunk: String?
    public var startedAt: Date
    public var answeredAt: Date?
    /// The conversation workflow attached to the call, when an agent takes part.
    public var conversationID: String?

    public init(id: CallID, state: CallState, direction: CallDirection, from: String, to: String,
                legs: [CallLeg] = [], room: RoomID? = nil, trunk: String? = nil, startedAt: Date,
                answeredAt: Date? = nil, conversationID: String? = nil) {
        self.id = id
        self.state = state
        self.direction = direction
        self.from = from
        self.to = to
        self.legs = legs
        self.room = room
        self.trunk = trunk
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.conversationID = conversationID
    }
}

/// Where a call is in its life.
public enum CallState: String, Codable, Sendable, Equatable, CaseIterable {
    /// Setting up: INVITE sent or received, no answer yet.
    case ringing
    /// Answered and talking.
    case answered
    /// Every leg is on hold.
    case held
    /// A transfer is in progress.
    case transferring
    /// Hanging up.
    case ending
}

public enum CallDirection: String, Codable, Sendable, Equatable, CaseIterable {
    /// From a trunk or an outside address to us.
    case inbound
    /// From us (originate, or a user dialling out) to a trunk.
    case outbound
    /// Between two of our own users.
    case `internal`
}

/// One SIP dialog of a call.
public struct CallLeg: Codable, Sendable, Equatable {
    public var id: LegID
    /// The far end's URI (the Contact or remote target).
    public var remoteURI: String
    public var state: LegState
    /// The negotiated codec ("PCMU", "opus/48000"), once media is set up.
    public var codec: String?
    /// True when the media is SRTP.
    public var srtp: Bool
    public var onHold: Bool
    public var quality: MediaQuality?

    public init(id: LegID, remoteURI: String, state: LegState, codec: String? = nil, srtp: Bool = false,
                onHold: Bool = false, quality: MediaQuality? = nil) {
        self.id = id
        self.remoteURI = remoteURI
        self.state = state
        self.codec = codec
        self.srtp = srtp
        self.onHold = onHold
        self.quality = quality
    }
}

public enum LegState: String, Codable, Sendable, Equatable, CaseIterable {
    case trying
    case ringing
    case answered
    case held
    case ending
}

/// Receive-side media statistics of a leg (from RTP and RTCP, RFC 3550 §6.4).
public struct MediaQuality: Codable, Sendable, Equatable {
    public var packetsReceived: UInt64
    public var packetsSent: UInt64
    /// Packets expected but never received.
    public var packetsLost: UInt64
    /// Interarrival jitter in milliseconds (RFC 3550 §6.4.1).
    public var jitterMilliseconds: Double
    /// Round-trip time from RTCP, when the far end sends reports.
    public var roundTripMilliseconds: Double?
    /// Estimated mean opinion score, 1 to 5 (see ``QualityEstimate``).
    public var mos: Double?

    public init(packetsReceived: UInt64, packetsSent: UInt64, packetsLost: UInt64, jitterMilliseconds: Double,
                roundTripMilliseconds: Double? = nil, mos: Double? = nil) {
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.packetsLost = packetsLost
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.mos = mos
    }

    /// Lost packets as a percentage of those expected (0 when nothing was expected).
    public var lossPercent: Double {
        let expected = packetsReceived + packetsLost
        return expected == 0 ? 0 : Double(packetsLost) * 100 / Double(expected)
    }
}
