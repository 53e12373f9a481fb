/// Why a conversation ended.
public enum EndReason: UInt8, Sendable, Equatable, CustomStringConvertible {
    case callerHungUp = 0
    /// Two idle timeouts in a row.
    case idle = 1
    /// The main phase's deadline (maximum call duration) passed.
    case maxDuration = 2
    case cancelled = 3
    case transferred = 4
    /// The agent ended the call (its hang-up tool).
    case agentHungUp = 5

    public var description: String {
        switch self {
        case .callerHungUp: "caller hung up"
        case .idle: "idle"
        case .maxDuration: "maximum duration"
        case .cancelled: "cancelled"
        case .transferred: "transferred"
        case .agentHungUp: "agent hung up"
        }
    }
}

/// Where the conversation is.
public enum ConversationPhase: UInt8, Sendable, Equatable {
    /// Talking: the main phase, under the maximum-duration scope.
    case active = 0
    /// The call is over for the caller; the end-of-call job runs.
    case ending = 1
    case ended = 2
}

/// The finished conversation.
public struct ConversationOutcome: Sendable, Equatable, WireCodable {
    public var reason: EndReason
    public var summary: String?
    public var digits: String
    public var turnCount: Int
    public var duration: Duration

    public init(reason: EndReason, summary: String?, digits: String, turnCount: Int, duration: Duration) {
        self.reason = reason
        self.summary = summary
        self.digits = digits
        self.turnCount = turnCount
        self.duration = duration
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(byte: reason.rawValue)
        summary.encode(to: &writer)
        writer.write(string: digits)
        turnCount.encode(to: &writer)
        duration.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let tag = try reader.readByte("ConversationOutcome.reason")
        guard let reason = EndReason(rawValue: tag) else { throw reader.unknownTag(UInt64(tag), "EndReason") }
        self.reason = reason
        summary = try reader.read()
        digits = try reader.readString()
        turnCount = try reader.read()
        duration = try reader.read()
    }
}
