/// Why a conversation ended.
public enum EndReason: UInt8, Sendable, Equatable, CustomStringConvertible {
    case callerHungUp = 0
    /// Two idle timeouts in a row.
    case idle = 1
    /// The main phase's deadline (maximum call duration) passed.
    case maxDuration = 2
    case cancelled = 3
    case transferred = 4

    public var description: String {
        switch self {
        case .callerHungUp: "caller hung up"
        case .idle: "idle"
        case .maxDuration: "maximum duration"
        case .cancelled: "cancelled"
        case .transferred: "transferred"
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

/// Everything the conversation remembers. Deadlines are plain values here: moving the idle
/// deadline changes state and re-arms a timer, and writes no event.
public struct ConversationState: Sendable, Equatable, WireCodable {
    public var input: ConversationInput
    public var phase: ConversationPhase = .active
    public var startedAt: WorkflowTime
    public var turns: [Turn] = []
    public var digits: String = ""
    /// Idle timeouts since the caller last did something.
    public var idleCount = 0
    public var idleDeadline: WorkflowTime?
    /// The language-model call in flight, if any.
    public var pendingReply: ActivityID?
    /// The `ask` update waiting for the pending reply.
    public var pendingAsk: UpdateID?
    /// Counter behind activity ids, so every reply request has its own.
    public var replyCount = 0
    public var endReason: EndReason?
    public var summary: String?
    /// Continue-as-new count, for inspection.
    public var continuations = 0

    public init(input: ConversationInput, startedAt: WorkflowTime) {
        self.input = input
        self.startedAt = startedAt
    }

    public func encode(to writer: inout WireWriter) {
        input.encode(to: &writer)
        writer.write(byte: phase.rawValue)
        startedAt.encode(to: &writer)
        turns.encode(to: &writer)
        writer.write(string: digits)
        idleCount.encode(to: &writer)
        idleDeadline.encode(to: &writer)
        pendingReply.encode(to: &writer)
        pendingAsk.encode(to: &writer)
        replyCount.encode(to: &writer)
        writer.write(signed: endReason.map { Int64($0.rawValue) } ?? -1)
        summary.encode(to: &writer)
        continuations.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        input = try reader.read()
        let phaseTag = try reader.readByte("ConversationState.phase")
        guard let phase = ConversationPhase(rawValue: phaseTag) else {
            throw reader.unknownTag(UInt64(phaseTag), "ConversationPhase")
        }
        self.phase = phase
        startedAt = try reader.read()
        turns = try reader.read()
        digits = try reader.readString("ConversationState.digits")
        idleCount = try reader.read()
        idleDeadline = try reader.read()
        pendingReply = try reader.read()
        pendingAsk = try reader.read()
        replyCount = try reader.read()
        let reason = try reader.readSigned("ConversationState.endReason")
        if reason < 0 {
            endReason = nil
        } else {
            guard let decoded = EndReason(rawValue: UInt8(clamping: reason)), reason <= 255 else {
                throw reader.unknownTag(UInt64(reason), "EndReason")
            }
            endReason = decoded
        }
        summary = try reader.read()
        continuations = try reader.read()
    }
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
