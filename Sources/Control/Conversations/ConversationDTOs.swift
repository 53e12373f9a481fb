import Foundation

/// One conversation in a list (`GET /conversations`).
public struct ConversationSummary: Codable, Sendable, Equatable {
    public var id: String
    /// The workflow type ("conversation").
    public var type: String
    /// The agent definition version (content hash) the conversation is pinned to.
    public var version: String
    /// The agent's name, when the catalog knows the version.
    public var agent: String?
    public var status: ConversationStatus
    /// "active", "ending" or "ended", for conversations running in this process.
    public var phase: String?
    public var caller: String?
    public var callee: String?
    public var startedAt: Date
    public var finishedAt: Date?
    /// Records in the log, all runs.
    public var eventCount: Int
    /// 1, plus one per continue-as-new.
    public var run: Int

    public init(id: String, type: String, version: String, agent: String? = nil, status: ConversationStatus,
                phase: String? = nil, caller: String? = nil, callee: String? = nil, startedAt: Date,
                finishedAt: Date? = nil, eventCount: Int, run: Int) {
        self.id = id
        self.type = type
        self.version = version
        self.agent = agent
        self.status = status
        self.phase = phase
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.eventCount = eventCount
        self.run = run
    }
}

public enum ConversationStatus: String, Codable, Sendable, Equatable, CaseIterable {
    case running
    case completed
    case failed
}

/// Which conversations `GET /conversations` returns; every field narrows the list.
public struct ConversationFilter: Sendable, Equatable {
    public var status: ConversationStatus?
    /// Workflow type; nil: conversations.
    public var type: String?
    /// Agent name or definition version.
    public var agent: String?
    /// Case-insensitive substring of the caller.
    public var caller: String?
    /// Started at or after.
    public var since: Date?
    /// Started before.
    public var until: Date?
    public var limit: Int
    public var offset: Int

    public init(status: ConversationStatus? = nil, type: String? = nil, agent: String? = nil, caller: String? = nil,
                since: Date? = nil, until: Date? = nil, limit: Int = 100, offset: Int = 0) {
        self.status = status
        self.type = type
        self.agent = agent
        self.caller = caller
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// Everything about one conversation (`GET /conversations/{id}/history`): the log, decoded,
/// plus what is pending (timers and activities) and the transcript.
public struct ConversationHistory: Codable, Sendable, Equatable {
    public var conversation: ConversationSummary
    public var events: [HistoryEvent]
    /// Armed durable timers (only while running).
    public var timers: [PendingTimerInfo]
    /// Activities requested and not finished (only while running).
    public var activities: [PendingActivityInfo]
    public var turns: [TurnInfo]
    public var outcome: OutcomeInfo?

    public init(conversation: ConversationSummary, events: [HistoryEvent], timers: [PendingTimerInfo],
                activities: [PendingActivityInfo], turns: [TurnInfo], outcome: OutcomeInfo?) {
        self.conversation = conversation
        self.events = events
        self.timers = timers
        self.activities = activities
        self.turns = turns
        self.outcome = outcome
    }
}

public struct PendingTimerInfo: Codable, Sendable, Equatable {
    public var name: String
    public var fireAt: Date
    public var scope: String?
}

public struct PendingActivityInfo: Codable, Sendable, Equatable {
    public var id: String
    /// "reply" or "summarize".
    public var kind: String
    public var scheduledAt: Date
}

/// One line of the transcript.
public struct TurnInfo: Codable, Sendable, Equatable {
    /// "user", "agent" or "tool" (a tool call's result).
    public var speaker: String
    public var text: String
    public var at: Date
    /// The caller barged in; `text` is what they heard.
    public var interrupted: Bool
    /// Tools the agent called in this turn.
    public var toolCalls: [ToolCallInfo]?
    /// A tool call's outcome (tool turns).
    public var toolResult: ToolResultInfo?
    /// The caller's turn was keyed, not spoken.
    public var isDTMF: Bool?

    public init(speaker: String, text: String, at: Date, interrupted: Bool, toolCalls: [ToolCallInfo]? = nil,
                toolResult: ToolResultInfo? = nil, isDTMF: Bool? = nil) {
        self.speaker = speaker
        self.text = text
        self.at = at
        self.interrupted = interrupted
        self.toolCalls = toolCalls
        self.toolResult = toolResult
        self.isDTMF = isDTMF
    }
}

/// A tool the agent called: `{"id": "t1", "name": "front_desk", "action": "transfer",
/// "detail": "1001 (blind)"}`. `action` is transfer, hold, resume, hangUp, sendDTMF,
/// collectDigits, joinConference or http (then `detail` is the arguments' JSON text).
public struct ToolCallInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var action: String
    public var detail: String

    public init(id: String, name: String, action: String, detail: String) {
        self.id = id
        self.name = name
        self.action = action
        self.detail = detail
    }
}

/// How a tool call went.
public struct ToolResultInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var ok: Bool
    public var detail: String

    public init(id: String, name: String, ok: Bool, detail: String) {
        self.id = id
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

/// How a finished conversation ended.
public struct OutcomeInfo: Codable, Sendable, Equatable {
    /// "caller hung up", "idle", "maximum duration", "cancelled", "transferred"; or the failure.
    public var reason: String
    public var summary: String?
    public var digits: String
    public var turnCount: Int
    public var durationSeconds: Double
    public var failed: Bool
}

/// Everything a conversation remembers (the `state` query), except private digits.
public struct ConversationStateInfo: Codable, Sendable, Equatable {
    public var caller: String
    public var callee: String
    /// The agent the conversation is pinned to, and its definition version.
    public var agent: String?
    public var agentVersion: String?
    public var phase: String
    public var startedAt: Date
    public var turns: [TurnInfo]
    public var digits: String
    public var idleCount: Int
    public var idleDeadline: Date?
    public var pendingReply: String?
    public var replyCount: Int
    public var endReason: String?
    public var summary: String?
    public var continuations: Int
    /// The tool call being carried out, and how many wait behind it.
    public var activeTool: ToolCallInfo?
    public var queuedTools: Int
    public var onHold: Bool
    /// The conference the agent sits in.
    public var room: String?
    /// A digit collection is in progress.
    public var collectingDigits: Bool
}

/// A query's answer: `{"query": "turns", "turns": [...]}`, `{"query": "digits", "digits":
/// "42"}`, `{"query": "status", "phase": "active"}`, `{"query": "state", "state": {...}}`.
public enum QueryResult: Codable, Sendable, Equatable {
    case turns([TurnInfo])
    case digits(String)
    case status(phase: String, endReason: String?)
    case state(ConversationStateInfo)
    /// `{"query": "pendingAction", "action": {...}}`; no `action` when nothing waits.
    case pendingAction(ToolCallInfo?)

    private enum CodingKeys: String, CodingKey { case query, turns, digits, phase, endReason, state, action }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(QueryName.self, forKey: .query) {
        case .turns: self = .turns(try container.decode([TurnInfo].self, forKey: .turns))
        case .digits: self = .digits(try container.decode(String.self, forKey: .digits))
        case .status:
            self = .status(phase: try container.decode(String.self, forKey: .phase),
                           endReason: try container.decodeIfPresent(String.self, forKey: .endReason))
        case .state: self = .state(try container.decode(ConversationStateInfo.self, forKey: .state))
        case .pendingAction: self = .pendingAction(try container.decodeIfPresent(ToolCallInfo.self, forKey: .action))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .turns(let turns):
            try container.encode(QueryName.turns, forKey: .query)
            try container.encode(turns, forKey: .turns)
        case .digits(let digits):
            try container.encode(QueryName.digits, forKey: .query)
            try container.encode(digits, forKey: .digits)
        case .status(let phase, let endReason):
            try container.encode(QueryName.status, forKey: .query)
            try container.encode(phase, forKey: .phase)
            try container.encodeIfPresent(endReason, forKey: .endReason)
        case .state(let state):
            try container.encode(QueryName.state, forKey: .query)
            try container.encode(state, forKey: .state)
        case .pendingAction(let action):
            try container.encode(QueryName.pendingAction, forKey: .query)
            try container.encodeIfPresent(action, forKey: .action)
        }
    }
}

/// `POST /conversations/{id}/signals` answers this once the signal is durable.
public struct SignalReceipt: Codable, Sendable, Equatable {
    public var conversationID: String
    /// Records in the conversation's log after the signal was appended.
    public var eventCount: Int
}
