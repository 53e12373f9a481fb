import Workflow

/// A small workflow whose signals map one-to-one onto engine commands, so tests can drive every
/// primitive (timers, scopes, activities, updates, continue-as-new) directly.
struct ProbeWorkflow: WorkflowDefinition {
    static let typeName = "probe"
    var version = "probe-v1"

    struct State: WireCodable, Equatable {
        var log: [String] = []
        var total = 0

        func encode(to writer: inout WireWriter) {
            log.encode(to: &writer)
            total.encode(to: &writer)
        }

        init() {}

        init(from reader: inout WireReader) throws(WireError) {
            log = try reader.read()
            total = try reader.read()
        }
    }

    enum Signal: WireCodable, Equatable {
        case add(Int)
        case timer(String, afterMilliseconds: Int, scope: String?)
        case cancelTimer(String)
        case activity(String, payload: String, maximumAttempts: Int, timeoutMilliseconds: Int?, scope: String?)
        case cancelActivity(String)
        case scope(String, afterMilliseconds: Int)
        case complete
        case continueAsNew

        func encode(to writer: inout WireWriter) {
            switch self {
            case .add(let value):
                writer.write(byte: 0); value.encode(to: &writer)
            case .timer(let name, let ms, let scope):
                writer.write(byte: 1); name.encode(to: &writer); ms.encode(to: &writer); scope.encode(to: &writer)
            case .cancelTimer(let name):
                writer.write(byte: 2); name.encode(to: &writer)
            case .activity(let id, let payload, let attempts, let timeout, let scope):
                writer.write(byte: 3); id.encode(to: &writer); payload.encode(to: &writer)
                attempts.encode(to: &writer); timeout.encode(to: &writer); scope.encode(to: &writer)
            case .cancelActivity(let id):
                writer.write(byte: 4); id.encode(to: &writer)
            case .scope(let name, let ms):
                writer.write(byte: 5); name.encode(to: &writer); ms.encode(to: &writer)
            case .complete:
                writer.write(byte: 6)
            case .continueAsNew:
                writer.write(byte: 7)
            }
        }

        init(from reader: inout WireReader) throws(WireError) {
            switch try reader.readByte() {
            case 0: self = .add(try reader.read())
            case 1: self = .timer(try reader.read(), afterMilliseconds: try reader.read(), scope: try reader.read())
            case 2: self = .cancelTimer(try reader.read())
            case 3: self = .activity(try reader.read(), payload: try reader.read(), maximumAttempts: try reader.read(),
                                     timeoutMilliseconds: try reader.read(), scope: try reader.read())
            case 4: self = .cancelActivity(try reader.read())
            case 5: self = .scope(try reader.read(), afterMilliseconds: try reader.read())
            case 6: self = .complete
            case 7: self = .continueAsNew
            case let tag: throw reader.unknownTag(UInt64(tag), "Probe.Signal")
            }
        }
    }

    /// `set` answers at once; `setAfterActivity` answers when activity "u<id>" completes.
    enum Update: WireCodable, Equatable {
        case set(Int)
        case setAfterActivity(Int)

        func encode(to writer: inout WireWriter) {
            switch self {
            case .set(let value): writer.write(byte: 0); value.encode(to: &writer)
            case .setAfterActivity(let value): writer.write(byte: 1); value.encode(to: &writer)
            }
        }

        init(from reader: inout WireReader) throws(WireError) {
            switch try reader.readByte() {
            case 0: self = .set(try reader.read())
            case 1: self = .setAfterActivity(try reader.read())
            case let tag: throw reader.unknownTag(UInt64(tag), "Probe.Update")
            }
        }
    }

    typealias UpdateReply = Int
    typealias Activity = String
    typealias ActivityOutput = String
    typealias Effect = String
    typealias Result = Int
    typealias Input = String

    func initialState(input: String) -> State {
        var state = State()
        state.log.append("start:\(input)")
        return state
    }

    func reduce(state: inout State, event: WorkflowEvent<ProbeWorkflow>,
                context: inout WorkflowContext) -> [WorkflowCommand<ProbeWorkflow>] {
        let now = context.now
        switch event {
        case .started:
            return [.emit("started")]
        case .signal(let signal):
            return handle(signal, &state, now)
        case .update(let id, .set(let value)):
            state.total = value
            state.log.append("set:\(value)")
            return [.answerUpdate(id, .success(value)), .emit("set:\(value)")]
        case .update(let id, .setAfterActivity(let value)):
            state.log.append("pending-set:\(value)")
            return [.runActivity(ActivityID("u\(id.rawValue)"), "set:\(value)", ActivityOptions(retry: .none))]
        case .timerFired(let id):
            state.log.append("fired:\(id)")
            return [.emit("fired:\(id)")]
        case .activityCompleted(let id, let output):
            state.log.append("done:\(id):\(output)")
            if id.rawValue.hasPrefix("u"), let raw = UInt64(id.rawValue.dropFirst()),
               let value = Int(output.dropFirst(4)) {
                state.total = value
                return [.answerUpdate(UpdateID(raw), .success(value)), .emit("done:\(id)")]
            }
            return [.emit("done:\(id):\(output)")]
        case .activityFailed(let id, let failure):
            state.log.append("failed:\(id):\(failure.type):\(failure.attempts)")
            return [.emit("failed:\(id)")]
        case .scopeExpired(let id):
            state.log.append("expired:\(id)")
            return [.emit("expired:\(id)")]
        case .cancelRequested:
            state.log.append("cancelled")
            return [.complete(-1)]
        }
    }

    private func handle(_ signal: Signal, _ state: inout State, _ now: WorkflowTime) -> [WorkflowCommand<ProbeWorkflow>] {
        switch signal {
        case .add(let value):
            state.total += value
            state.log.append("add:\(value)")
            return [.emit("add:\(value)")]
        case .timer(let name, let ms, let scope):
            return [.startTimer(TimerID(name), at: now + .milliseconds(ms), scope: scope.map { ScopeID($0) })]
        case .cancelTimer(let name):
            return [.cancelTimer(TimerID(name))]
        case .activity(let id, let payload, let attempts, let timeout, let scope):
            let options = ActivityOptions(
                retry: RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: .seconds(8),
                                   maximumAttempts: attempts, nonRetryableErrorTypes: ["HTTP400"]),
                startToCloseTimeout: timeout.map { .milliseconds($0) })
            return [.runActivity(ActivityID(id), payload, options, scope: scope.map { ScopeID($0) })]
        case .cancelActivity(let id):
            return [.cancelActivity(ActivityID(id))]
        case .scope(let name, let ms):
            return [.openScope(ScopeID(name), deadline: now + .milliseconds(ms))]
        case .complete:
            return [.complete(state.total)]
        case .continueAsNew:
            state.log.append("continued")
            return [.continueAsNew(state)]
        }
    }
}

/// Typed definitions over the probe.
enum SetTotal: UpdateDefinition {
    typealias Workflow = ProbeWorkflow
    static func validate(_ input: Int, state: ProbeWorkflow.State) throws(UpdateRejection) {
        if input < 0 { throw UpdateRejection("negative total \(input)") }
    }
    static func update(_ input: Int) -> ProbeWorkflow.Update { .set(input) }
    static func output(from reply: Int) -> Int? { reply }
}

enum SetTotalSlowly: UpdateDefinition {
    typealias Workflow = ProbeWorkflow
    static func validate(_ input: Int, state: ProbeWorkflow.State) throws(UpdateRejection) {
        if input < 0 { throw UpdateRejection("negative total \(input)") }
    }
    static func update(_ input: Int) -> ProbeWorkflow.Update { .setAfterActivity(input) }
    static func output(from reply: Int) -> Int? { reply }
}

enum Total: QueryDefinition {
    typealias Workflow = ProbeWorkflow
    static func answer(_ input: Void, state: ProbeWorkflow.State) -> Int { state.total }
}

enum Add: SignalDefinition {
    typealias Workflow = ProbeWorkflow
    static func signal(_ input: Int) -> ProbeWorkflow.Signal { .add(input) }
}
