import Foundation
import Workflow
import XCTest

/// A temporary directory removed when the environment goes away.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("workflow-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Collects effects from an engine's stream so tests can wait for and inspect them.
final class EffectCollector<W: WorkflowDefinition>: @unchecked Sendable {
    private let items = NSLock()
    private var effects: [WorkflowEffect<W>] = []
    private var task: Task<Void, Never>?

    init(_ engine: WorkflowEngine<W>) {
        let stream = engine.effects
        task = Task { [weak self] in
            for await effect in stream {
                guard let self else { return }
                self.items.withLock { self.effects.append(effect) }
            }
        }
    }

    var all: [WorkflowEffect<W>] {
        items.lock()
        defer { items.unlock() }
        return effects
    }

    /// Waits (liveness only, generous bound) until `predicate` holds for the collected effects.
    func wait(timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
              until predicate: ([WorkflowEffect<W>]) -> Bool) async {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(all) { return }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        XCTFail("effects never matched; got \(all.map { "\($0.effect)" })", file: file, line: line)
    }

    deinit { task?.cancel() }
}

/// Scripted activities for the probe workflow. The payload says what to do:
/// "ok:<x>" returns "<x>"; "fail429:<ms>" fails once with Retry-After then succeeds;
/// "fail400" always fails non-retryably by type; "flaky:<n>" fails n times then succeeds;
/// "hang" never returns until cancelled; "set:<v>" returns itself.
final class ProbeActivities: @unchecked Sendable {
    struct Attempt: Equatable {
        var activity: ActivityID
        var attempt: Int
        var at: WorkflowTime
    }

    private let lock = NSLock()
    private var attempts: [Attempt] = []
    let clock: any WorkflowClock
    private var holding = false

    /// While set, every attempt waits (until cleared or cancelled) before doing its work: an
    /// activity "in flight" at a crash.
    var holdAll: Bool {
        get { lock.lock(); defer { lock.unlock() }; return holding }
        set { lock.lock(); holding = newValue; lock.unlock() }
    }

    init(clock: any WorkflowClock) {
        self.clock = clock
    }

    var log: [Attempt] {
        lock.lock()
        defer { lock.unlock() }
        return attempts
    }

    func attempts(of id: ActivityID) -> [Attempt] {
        log.filter { $0.activity == id }
    }

    var handler: ActivityHandler<ProbeWorkflow> {
        { [self] payload, context in try await run(payload, context) }
    }

    private func run(_ payload: String, _ context: ActivityContext) async throws -> String {
        let now = clock.now()
        lock.withLock { attempts.append(Attempt(activity: context.activityID, attempt: context.attempt, at: now)) }
        let parts = payload.split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1] : ""
        while holdAll {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        switch parts.first ?? "" {
        case "ok":
            return argument
        case "set":
            return payload
        case "fail429" where context.attempt == 1:
            throw ActivityFailure(type: "HTTP429", message: "slow down",
                                  nextRetryDelay: .milliseconds(Int64(argument) ?? 0))
        case "fail429":
            return "after-429"
        case "fail400":
            throw ActivityFailure(type: "HTTP400", message: "bad request")
        case "flaky" where context.attempt <= (Int(argument) ?? 0):
            throw ActivityFailure(type: "HTTP503", message: "unavailable")
        case "flaky":
            return "recovered"
        case "hang":
            while !Task.isCancelled {
                try await Task.sleep(nanoseconds: 1_000_000)
            }
            throw CancellationError()
        default:
            throw ActivityFailure(type: "Unknown", message: payload, nonRetryable: true)
        }
    }
}

/// One store + probe engine on a manual clock.
final class ProbeHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let store: WorkflowStore
    let engine: WorkflowEngine<ProbeWorkflow>
    let effects: EffectCollector<ProbeWorkflow>
    let activities: ProbeActivities

    init(directory: TemporaryDirectory? = nil, clock: ManualClock = ManualClock(),
         definitions: [ProbeWorkflow] = [ProbeWorkflow()]) throws {
        self.directory = try directory ?? TemporaryDirectory()
        self.clock = clock
        store = try WorkflowStore(path: self.directory.path("log.sqlite"))
        activities = ProbeActivities(clock: clock)
        engine = try WorkflowEngine(store: store, definitions: definitions, clock: clock,
                                    activities: activities.handler)
        effects = EffectCollector(engine)
    }

    /// Simulates a crash for in-process tests: the engine stops without finishing anything.
    func stop() {
        engine.shutdown()
        store.close()
    }

    func handle(_ id: WorkflowID) -> WorkflowHandle<ProbeWorkflow> {
        engine.handle(id)
    }

    func kinds(_ id: WorkflowID) async throws -> [EventKind] {
        try await engine.history(of: id).map(\.kind)
    }
}
