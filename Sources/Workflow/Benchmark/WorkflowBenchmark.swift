import Dispatch
import Foundation
import Logging

/// The engine's figures, for `parley bench workflow`. Runs on real SQLite files in `directory`
/// (WAL, synchronous=NORMAL) with the system clock, and returns one line of JSON:
/// `signal_to_handler_p50_us`/`_p99_us` (signal call until the host receives the effect the
/// handler emitted, after the event is durable), `durable_step_p50_us` (an update validated,
/// committed and answered), `events_per_s` (1,000 workflows signalling concurrently),
/// `replay_10k_events_ms` (read and replay a 10,000-event history) and
/// `recover_1000_workflows_ms` (open the store and rebuild 1,000 running workflows).
public enum WorkflowBenchmark {
    public static func run(directory: URL, log: (String) -> Void) async throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("workflow-bench-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var logger = Logger(label: "parley.workflow.bench")
        logger.logLevel = .warning
        let measured: (Percentiles, Percentiles, Int, Double)
        do {
            let store = try WorkflowStore(path: path, logger: logger)
            defer { store.close() }
            let engine = try WorkflowEngine(store: store, definition: BenchWorkflow(), logger: logger) { _, _ in 0 }
            defer { engine.shutdown() }
            measured = try await measureLive(engine, log: log)
        }
        let start = now()
        let reopened = try WorkflowStore(path: path, logger: logger)
        let recovering = try WorkflowEngine(store: reopened, definition: BenchWorkflow(), logger: logger) { _, _ in 0 }
        let report = try await recovering.recover()
        let recoverMs = Double(now() - start) / 1e6
        log("recovered \(report.recovered.count) workflows (\(report.recordsReplayed) records) in \(format(recoverMs)) ms")
        recovering.shutdown()
        reopened.close()

        let (signal, step, throughput, replay) = measured
        return "{\"signal_to_handler_p50_us\":\(signal.p50),\"signal_to_handler_p99_us\":\(signal.p99),"
            + "\"durable_step_p50_us\":\(step.p50),\"durable_step_p99_us\":\(step.p99),"
            + "\"events_per_s\":\(throughput),\"replay_10k_events_ms\":\(format(replay)),"
            + "\"recover_1000_workflows_ms\":\(format(recoverMs)),\"recovered_workflows\":\(report.recovered.count),"
            + "\"synchronous\":\"NORMAL\"}"
    }

    private static func measureLive(_ engine: WorkflowEngine<BenchWorkflow>,
                                    log: (String) -> Void) async throws -> (Percentiles, Percentiles, Int, Double) {
        let signal = try await signalLatency(engine, count: 5_000)
        log("signal to handler: p50 \(signal.p50) µs, p99 \(signal.p99) µs")
        let step = try await durableStep(engine, count: 5_000)
        log("durable step (update round trip): p50 \(step.p50) µs, p99 \(step.p99) µs")
        let throughput = try await eventsPerSecond(engine, workflows: 1_000, signalsEach: 30)
        log("throughput: \(throughput) events/s with 1,000 concurrent workflows")
        let replay = try await replayTime(engine, events: 10_000)
        log("replay of 10,000 events: \(format(replay)) ms")
        return (signal, step, throughput, replay)
    }

    struct Percentiles {
        var p50: Int
        var p99: Int
    }

    private static func signalLatency(_ engine: WorkflowEngine<BenchWorkflow>, count: Int) async throws -> Percentiles {
        let handle = try await engine.start("bench-signal", input: 0)
        var effects = engine.effects.makeAsyncIterator()
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        for index in 0..<(count + 500) {
            let start = now()
            try await handle.signal(BenchWorkflow.Signal(value: Int64(index), echo: true))
            guard let effect = await effects.next(), effect.effect == Int64(index) else {
                throw WorkflowError.storage("benchmark effect out of order")
            }
            if index >= 500 { samples.append(now() - start) }
        }
        return percentiles(samples)
    }

    private static func durableStep(_ engine: WorkflowEngine<BenchWorkflow>, count: Int) async throws -> Percentiles {
        let handle = try await engine.start("bench-update", input: 0)
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        for index in 0..<(count + 500) {
            let start = now()
            let answer = try await handle.update(BenchSet.self, Int64(index))
            guard answer == Int64(index) else { throw WorkflowError.storage("benchmark update answered wrongly") }
            if index >= 500 { samples.append(now() - start) }
        }
        return percentiles(samples)
    }

    private static func eventsPerSecond(_ engine: WorkflowEngine<BenchWorkflow>, workflows: Int,
                                        signalsEach: Int) async throws -> Int {
        var handles: [WorkflowHandle<BenchWorkflow>] = []
        for index in 0..<workflows {
            handles.append(try await engine.start(WorkflowID("bench-\(index)"), input: 0))
        }
        let start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for handle in handles {
                group.addTask {
                    for value in 0..<signalsEach {
                        try await handle.signal(BenchWorkflow.Signal(value: Int64(value), echo: false))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(now() - start) / 1e9
        return Int(Double(workflows * signalsEach) / max(seconds, 1e-9))
    }

    private static func replayTime(_ engine: WorkflowEngine<BenchWorkflow>, events: Int) async throws -> Double {
        let handle = try await engine.start("bench-replay", input: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<100 {
                group.addTask {
                    for value in 0..<(events / 100) {
                        try await handle.signal(BenchWorkflow.Signal(value: Int64(lane * 1000 + value), echo: false))
                    }
                }
            }
            try await group.waitForAll()
        }
        var times: [Double] = []
        let live = try await engine.liveMachine("bench-replay")
        for _ in 0..<5 {
            let start = now()
            let machine = try await engine.replayStored("bench-replay")
            times.append(Double(now() - start) / 1e6)
            guard machine.encodedState == live.encodedState else {
                throw WorkflowError.nonDeterminism("bench-replay", sequence: 0, detail: "replay differs from live state")
            }
        }
        return times.sorted()[times.count / 2]
    }

    private static func percentiles(_ samples: [UInt64]) -> Percentiles {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return Percentiles(p50: 0, p99: 0) }
        func at(_ q: Double) -> Int { Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] / 1000) }
        return Percentiles(p50: at(0.50), p99: at(0.99))
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func format(_ value: Double) -> String {
        String(Double(Int(value * 10)) / 10)
    }
}
