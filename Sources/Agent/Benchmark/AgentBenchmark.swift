import Dispatch
import Foundation
import Logging
import Workflow

/// The agent's figures, printable as one JSON line (`parley bench agent`).
public struct AgentBenchmarkReport: Sendable, Equatable, CustomStringConvertible {
    public var turns: Int
    /// Caller's final transcript signalled → the reply's speak effect at the host, minus the
    /// brain's own time: two durable commits, the activity hand-off and the effect. Goal ≤ 1 ms.
    public var workflowOverheadP50Microseconds: Int
    public var workflowOverheadP99Microseconds: Int
    /// The same, brain included.
    public var turnP50Microseconds: Int
    public var turnP99Microseconds: Int
    /// Scripted brain: one `respond` (intent match, BM25, fallback).
    public var brainP50Microseconds: Int
    public var brainP99Microseconds: Int
    /// BM25 over the agent's own resources, and over a 1,000-passage corpus.
    public var bm25P50Microseconds: Int
    public var bm25P99Microseconds: Int
    public var bm25LargeP50Microseconds: Int
    public var passages: Int

    public var jsonLine: String {
        "{\"turns\":\(turns),\"workflow_overhead_p50_us\":\(workflowOverheadP50Microseconds),"
            + "\"workflow_overhead_p99_us\":\(workflowOverheadP99Microseconds),"
            + "\"turn_p50_us\":\(turnP50Microseconds),\"turn_p99_us\":\(turnP99Microseconds),"
            + "\"scripted_brain_p50_us\":\(brainP50Microseconds),\"scripted_brain_p99_us\":\(brainP99Microseconds),"
            + "\"bm25_query_p50_us\":\(bm25P50Microseconds),\"bm25_query_p99_us\":\(bm25P99Microseconds),"
            + "\"bm25_1k_passages_p50_us\":\(bm25LargeP50Microseconds),\"passages\":\(passages),"
            + "\"synchronous\":\"NORMAL\"}"
    }

    public var description: String { jsonLine }
}

/// Measures the agent on real SQLite (WAL, synchronous=NORMAL) with the system clock: turns
/// through the durable conversation with the scripted brain, the brain alone, and BM25.
public enum AgentBenchmark {
    static let questions = [
        "What are your opening hours?", "Where is the shop?", "How much does a basic tune-up cost?",
        "Do you take credit cards?", "Tell me about purple elephants", "Can I rent an electric bike?",
    ]

    public static func run(definition: AgentDefinition, directory: URL, conversations: Int = 10,
                           turnsEach: Int = 50, queries: Int = 2_000) async throws -> AgentBenchmarkReport {
        let brain = ScriptedBrain(definition: definition)
        let call = AgentCallContext(version: definition.version, caller: "bench", callee: "agent")
        let (brainTimes, bm25Times) = measureBrain(brain, call: call, queries: queries)
        let large = ResourceIndex(resources: syntheticCorpus())
        var largeTimes: [UInt64] = []
        for index in 0..<max(queries / 4, 1) {
            let start = now()
            _ = large.search(questions[index % questions.count])
            largeTimes.append(now() - start)
        }
        let (turnTimes, overheads) = try await measureTurns(definition, directory: directory,
                                                            conversations: conversations, turnsEach: turnsEach)
        return AgentBenchmarkReport(
            turns: turnTimes.count,
            workflowOverheadP50Microseconds: percentile(overheads, 0.5), workflowOverheadP99Microseconds: percentile(overheads, 0.99),
            turnP50Microseconds: percentile(turnTimes, 0.5), turnP99Microseconds: percentile(turnTimes, 0.99),
            brainP50Microseconds: percentile(brainTimes, 0.5), brainP99Microseconds: percentile(brainTimes, 0.99),
            bm25P50Microseconds: percentile(bm25Times, 0.5), bm25P99Microseconds: percentile(bm25Times, 0.99),
            bm25LargeP50Microseconds: percentile(largeTimes, 0.5), passages: brain.index.passages.count)
    }

    private static func measureBrain(_ brain: ScriptedBrain, call: AgentCallContext,
                                     queries: Int) -> ([UInt64], [UInt64]) {
        var brainTimes: [UInt64] = []
        var bm25Times: [UInt64] = []
        for index in 0..<max(queries, 1) {
            let question = questions[index % questions.count]
            let request = BrainRequest(definition: brain.definition,
                                       turns: [Turn(speaker: .user, text: question, at: .seconds(1))], call: call)
            var start = now()
            _ = brain.answer(request)
            brainTimes.append(now() - start)
            start = now()
            _ = brain.index.search(question)
            bm25Times.append(now() - start)
        }
        return (brainTimes, bm25Times)
    }

    /// Nanoseconds the brain spent per reply activity, keyed by conversation and activity.
    private final class BrainClock: @unchecked Sendable {
        let lock = NSLock()
        var last: [WorkflowID: UInt64] = [:]
    }

    private static func measureTurns(_ definition: AgentDefinition, directory: URL, conversations: Int,
                                     turnsEach: Int) async throws -> ([UInt64], [UInt64]) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("agent-bench-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var logger = Logger(label: "parley.agent.bench")
        logger.logLevel = .warning
        let store = try WorkflowStore(path: path, logger: logger)
        defer { store.close() }
        let brain = ScriptedBrain(definition: definition)
        let clock = BrainClock()
        let engine = try WorkflowEngine(store: store, definition: ConversationWorkflow(version: AgentRuntime.workflowVersion, idleAllowsForSpeech: true),
                                        logger: logger) { activity, context in
            guard case .agentReply(let call, let turns) = activity else {
                return try await EchoConversationActivities.run(activity, context)
            }
            let start = now()
            let response = brain.answer(BrainRequest(definition: definition, turns: turns, call: call))
            let spent = now() - start
            clock.lock.withLock { clock.last[context.workflowID] = spent }
            return .agentReply(text: response.text, calls: [])
        }
        defer { engine.shutdown() }
        var settings = definition.conversationSettings(caller: "bench", callee: "agent")
        settings.greeting = nil
        settings.idleTimeout = .seconds(3600)
        settings.maxDuration = .seconds(86_400)
        var effects = engine.effects.makeAsyncIterator()
        var totals: [UInt64] = []
        var overheads: [UInt64] = []
        for conversation in 0..<max(conversations, 1) {
            let id = WorkflowID("bench-\(conversation)")
            let input = ConversationInput(caller: "bench", callee: "agent",
                                          agent: ConversationAgent(name: definition.name, version: definition.version,
                                                                   settings: settings))
            let handle = try await engine.start(id, input: input)
            for turn in 0..<max(turnsEach, 1) {
                let start = now()
                try await handle.signal(.transcript(questions[turn % questions.count], isFinal: true))
                while let effect = await effects.next() {
                    if effect.workflowID == id, case .speak = effect.effect { break }
                }
                let total = now() - start
                let spent = clock.lock.withLock { clock.last[id] ?? 0 }
                totals.append(total)
                overheads.append(total > spent ? total - spent : 0)
            }
            try await handle.signal(.hangUp)
            _ = try await handle.result()
        }
        // The first turns warm caches and the WAL; keep the steady state.
        let warm = min(totals.count / 10, 20)
        return (Array(totals.dropFirst(warm)), Array(overheads.dropFirst(warm)))
    }

    /// 1,000 passages of shop-like text, for BM25 at a realistic knowledge-base size.
    static func syntheticCorpus() -> [AgentResource] {
        let subjects = ["tune-up", "brake", "tyre", "chain", "wheel", "saddle", "light", "lock", "helmet", "pump"]
        let verbs = ["costs", "takes", "needs", "includes", "comes with"]
        var lines: [String] = []
        for index in 0..<1_000 {
            let subject = subjects[index % subjects.count]
            let verb = verbs[(index / subjects.count) % verbs.count]
            lines.append("- Item \(index): the \(subject) service \(verb) \(index % 97) euros on weekday \(index % 7).")
        }
        return [AgentResource(path: "synthetic.md", text: "# Catalogue\n" + lines.joined(separator: "\n"))]
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func percentile(_ samples: [UInt64], _ fraction: Double) -> Int {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))
        return Int(sorted[index] / 1_000)
    }
}
