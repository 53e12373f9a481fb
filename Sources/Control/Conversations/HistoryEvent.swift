import Foundation

/// One record of a conversation's durable log, decoded into typed JSON:
/// `{"sequence": 3, "run": 1, "time": "...", "kind": "signal", "signal": {"type": "dtmf",
/// "digit": "5"}}`. The extra key depends on `kind` (see ``HistoryEvent/Body``).
public struct HistoryEvent: Codable, Sendable, Equatable {
    public var sequence: UInt64
    public var run: Int
    /// When the engine appended it (the engine's clock).
    public var time: Date
    public var body: Body

    public init(sequence: UInt64, run: Int, time: Date, body: Body) {
        self.sequence = sequence
        self.run = run
        self.time = time
        self.body = body
    }

    /// What happened.
    public enum Body: Sendable, Equatable {
        case started(caller: String, callee: String)
        case signal(SignalPayload)
        /// An update that passed its validator (rejected ones leave no record).
        case update(id: UInt64, UpdatePayload)
        case timerFired(timer: String)
        case activityCompleted(activity: String, output: ActivityOutputInfo)
        case activityFailed(activity: String, failure: ActivityFailureInfo)
        case scopeExpired(scope: String)
        case cancelRequested
        /// The first record of a continued run (continue-as-new).
        case snapshot
        /// A record this version cannot decode; `detail` says why.
        case undecodable(kind: String, detail: String)

        public var kind: String {
            switch self {
            case .started: "started"
            case .signal: "signal"
            case .update: "update"
            case .timerFired: "timerFired"
            case .activityCompleted: "activityCompleted"
            case .activityFailed: "activityFailed"
            case .scopeExpired: "scopeExpired"
            case .cancelRequested: "cancelRequested"
            case .snapshot: "snapshot"
            case .undecodable(let kind, _): kind
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case sequence, run, time, kind, caller, callee, signal, updateID, update, timer, activity, output,
             failure, scope, detail
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try c.decode(UInt64.self, forKey: .sequence)
        run = try c.decode(Int.self, forKey: .run)
        time = try c.decode(Date.self, forKey: .time)
        let kind = try c.decode(String.self, forKey: .kind)
        if let detail = try c.decodeIfPresent(String.self, forKey: .detail) {
            body = .undecodable(kind: kind, detail: detail)
            return
        }
        switch kind {
        case "started":
            body = .started(caller: try c.decode(String.self, forKey: .caller),
                            callee: try c.decode(String.self, forKey: .callee))
        case "signal": body = .signal(try c.decode(SignalPayload.self, forKey: .signal))
        case "update":
            body = .update(id: try c.decode(UInt64.self, forKey: .updateID),
                           try c.decode(UpdatePayload.self, forKey: .update))
        case "timerFired": body = .timerFired(timer: try c.decode(String.self, forKey: .timer))
        case "activityCompleted":
            body = .activityCompleted(activity: try c.decode(String.self, forKey: .activity),
                                      output: try c.decode(ActivityOutputInfo.self, forKey: .output))
        case "activityFailed":
            body = .activityFailed(activity: try c.decode(String.self, forKey: .activity),
                                   failure: try c.decode(ActivityFailureInfo.self, forKey: .failure))
        case "scopeExpired": body = .scopeExpired(scope: try c.decode(String.self, forKey: .scope))
        case "cancelRequested": body = .cancelRequested
        case "snapshot": body = .snapshot
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown history kind \"\(kind)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(run, forKey: .run)
        try c.encode(time, forKey: .time)
        try c.encode(body.kind, forKey: .kind)
        switch body {
        case .started(let caller, let callee):
            try c.encode(caller, forKey: .caller)
            try c.encode(callee, forKey: .callee)
        case .signal(let signal): try c.encode(signal, forKey: .signal)
        case .update(let id, let update):
            try c.encode(id, forKey: .updateID)
            try c.encode(update, forKey: .update)
        case .timerFired(let timer): try c.encode(timer, forKey: .timer)
        case .activityCompleted(let activity, let output):
            try c.encode(activity, forKey: .activity)
            try c.encode(output, forKey: .output)
        case .activityFailed(let activity, let failure):
            try c.encode(activity, forKey: .activity)
            try c.encode(failure, forKey: .failure)
        case .scopeExpired(let scope): try c.encode(scope, forKey: .scope)
        case .cancelRequested, .snapshot: break
        case .undecodable(_, let detail): try c.encode(detail, forKey: .detail)
        }
    }
}

/// What a finished activity returned: `reply` (the model's line), `agentReply` (the agent's
/// line and the tools it called), `summary` (the end-of-call job), `toolOutput` (an HTTP
/// tool's response) or `delivered` (the webhook took the report; `status` is its HTTP status).
public struct ActivityOutputInfo: Codable, Sendable, Equatable {
    public var type: String
    public var text: String
    public var toolCalls: [ToolCallInfo]?
    public var status: Int?

    public init(type: String, text: String, toolCalls: [ToolCallInfo]? = nil, status: Int? = nil) {
        self.type = type
        self.text = text
        self.toolCalls = toolCalls
        self.status = status
    }
}

/// Why an activity failed for good.
public struct ActivityFailureInfo: Codable, Sendable, Equatable {
    public var type: String
    public var message: String
    public var attempts: Int

    public init(type: String, message: String, attempts: Int) {
        self.type = type
        self.message = message
        self.attempts = attempts
    }
}
