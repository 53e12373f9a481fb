import Agent
import Foundation
import Logging
import Speech
import Synchronization
import Workflow

/// `parley bench agent-call`: the AI participant's own figures, in process (no SIP, no sockets).
///
/// - **Reply latency**: a final transcript handed to the conversation (as the participant's pump
///   does) until the participant's next 20 ms frame carries reply audio — workflow, scripted brain
///   and espeak-ng's first audio together. On the wire add at most one media tick (20 ms).
/// - **Concurrency**: `sessions` voice channels, each with its own pocketsphinx session (8 kHz
///   narrowband, as for G.711 callers), hear a spoken question every few seconds in real time
///   from one driver thread. A step is clean when no recognizer dropped audio, every question got
///   its final within 1.5 s of the caller stopping, and the driver kept its 20 ms tick (late on
///   at most 1 % of ticks).
public enum AgentCallBenchmark {
    public struct LatencyReport: Sendable {
        public var turns: Int
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var maxMilliseconds: Double
    }

    public struct ConcurrencyStep: Sendable {
        public var sessions: Int
        public var languageModel: Bool
        public var questions: Int
        public var finals: Int
        public var framesDropped: Int
        public var finalLatencyP95Milliseconds: Double
        public var lateTicks: Int
        public var ticks: Int
        /// CPU time used per second of wall time (all threads): cores busy.
        public var coresBusy: Double
        public var clean: Bool {
            // The driver is one thread on a shared machine: an odd late tick (under 1 %) is the
            // scheduler, not the agents; the media loops catch such ticks up.
            framesDropped == 0 && finals >= questions && finalLatencyP95Milliseconds <= 1500 && lateTicks * 100 <= ticks
        }
    }

    // MARK: Reply latency

    public static func replyLatency(definition: AgentDefinition, directory: URL, turns: Int = 30) async throws -> LatencyReport {
        let store = try WorkflowStore(path: directory.appendingPathComponent("bench-conversations.sqlite").path)
        defer { store.close() }
        let runtime = try AgentRuntime(store: store, definitions: FixedDefinition(definition),
                                       brains: StandardBrainProvider(http: nil), tools: nil,
                                       logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { Task { await runtime.shutdown() } }
        var latencies: [Double] = []
        let questions = ["what are your opening hours", "where is the shop", "how much is a full service"]
        let conversations = max(1, turns / questions.count)
        for c in 0..<conversations {
            var quiet = definition
            quiet.bargeIn.enabled = false
            let participant = try AgentParticipant(definition: quiet, conversation: WorkflowID("bench-\(c)"),
                                                   recognizer: SpeechRecognizer(), synthesizer: .shared, callerRate: 16000,
                                                   caller: "bench", callee: "9000",
                                                   logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            defer { participant.stop() }
            participant.startPump()
            let session = try await runtime.start(WorkflowID("bench-\(c)"), definition: quiet, caller: "bench", callee: "9000",
                                                  actions: BenchActions(participant: participant))
            participant.attach(session)
            var frame = [Int16](repeating: 0, count: AgentVoiceChannel.frameSamples)
            drainSpeech(participant, &frame)
            for question in questions {
                let start = ContinuousClock.now
                try await session.heard(question)
                // Poll the participant's next frame until the reply's audio appears.
                var first: Duration?
                for _ in 0..<20_000 {
                    let speaking = frame.withUnsafeMutableBufferPointer { participant.speak(into: $0) }
                    if speaking { first = ContinuousClock.now - start; break }
                    try await Task.sleep(for: .microseconds(200))
                }
                if let first { latencies.append(Double(first.components.attoseconds) / 1e15 + Double(first.components.seconds) * 1000) }
                drainSpeech(participant, &frame)
                await session.drained()
            }
            await runtime.detach(WorkflowID("bench-\(c)"))
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return LatencyReport(turns: latencies.count, p50Milliseconds: pct(0.5), p95Milliseconds: pct(0.95),
                             maxMilliseconds: latencies.last ?? 0)
    }

    /// Plays out whatever the agent has queued (fast: the channel's clock is frames, not time).
    private static func drainSpeech(_ participant: AgentParticipant, _ frame: inout [Int16]) {
        var silentFrames = 0
        for _ in 0..<200_000 where silentFrames < 150 {
            let speaking = frame.withUnsafeMutableBufferPointer { participant.speak(into: $0) }
            silentFrames = speaking ? 0 : silentFrames + 1
            if !speaking { Thread.sleep(forTimeInterval: 0.001) }
        }
    }

    // MARK: Concurrency

    public static func concurrency(sessions: Int, languageModel: Bool, seconds: Double) throws -> ConcurrencyStep {
        let speech = try SpeechSynthesizer.shared.synthesizeAll("what are your opening hours",
                                                                options: SynthesisOptions(sampleRate: AgentVoiceChannel.sampleRate)).samples
        let gap = AgentVoiceChannel.sampleRate * 2
        let cycle = speech + [Int16](repeating: 0, count: gap)
        let grammar = PhraseGrammar.jsgf(["what are your opening hours", "where is the shop", "how much is a full service"])
        let mode: RecognitionMode = languageModel ? .languageModel : .grammar(jsgf: grammar)
        let recognizer = SpeechRecognizer()
        var channels: [AgentVoiceChannel] = []
        var sessionsOpen: [RecognizerSession] = []
        for _ in 0..<sessions {
            let channel = try AgentVoiceChannel(configuration: AgentVoiceConfiguration())
            let session = try recognizer.makeSession(mode: mode, inputSampleRate: 8000) { [weak channel] event in channel?.receive(event) }
            channel.attach(try NarrowbandRecognizer(session))
            channels.append(channel)
            sessionsOpen.append(session)
        }
        defer { for s in sessionsOpen { s.close() } }
        // Let the decoders build before the clock starts.
        Thread.sleep(forTimeInterval: languageModel ? 3 : 1)
        let frame = AgentVoiceChannel.frameSamples
        let ticks = Int(seconds * 50)
        var ended: [Int: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var finals = 0
        var questions = 0
        var late = 0
        let usageStart = cpuSeconds()
        let wallStart = ContinuousClock.now
        var next = wallStart
        var out = [Int16](repeating: 0, count: frame)
        for tick in 0..<ticks {
            for (index, channel) in channels.enumerated() {
                // Stagger the callers so they do not all speak at once.
                let offset = ((tick + index * 37) * frame) % cycle.count
                cycle.withUnsafeBufferPointer { all in
                    if offset + frame <= all.count {
                        channel.hear(UnsafeBufferPointer(rebasing: all[offset..<(offset + frame)]))
                    }
                }
                _ = out.withUnsafeMutableBufferPointer { channel.speak(into: $0) }
                for event in channel.drainEvents() {
                    switch event {
                    case .speechEnded:
                        ended[index] = .now
                        questions += 1
                    case .final:
                        finals += 1
                        if let at = ended.removeValue(forKey: index) {
                            let d = ContinuousClock.now - at
                            latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                        }
                    default:
                        break
                    }
                }
            }
            next += .milliseconds(20)
            let now = ContinuousClock.now
            if now > next + .milliseconds(20) { late += 1 }
            if now < next { Thread.sleep(forTimeInterval: Double((next - now).components.attoseconds) / 1e18) }
        }
        // Finals still due get up to 4 s.
        let deadline = ContinuousClock.now + .seconds(4)
        while !ended.isEmpty, ContinuousClock.now < deadline {
            for (index, channel) in channels.enumerated() {
                for event in channel.drainEvents() {
                    if case .final = event, let at = ended.removeValue(forKey: index) {
                        finals += 1
                        let d = ContinuousClock.now - at
                        latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                    }
                }
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let wall = ContinuousClock.now - wallStart
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        latencies.sort()
        let p95 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.95))]
        let dropped = channels.reduce(0) { $0 + $1.statistics.framesDroppedByRecognizer }
        return ConcurrencyStep(sessions: sessions, languageModel: languageModel, questions: questions, finals: finals,
                               framesDropped: dropped, finalLatencyP95Milliseconds: p95, lateTicks: late, ticks: ticks,
                               coresBusy: (cpuSeconds() - usageStart) / max(0.001, wallSeconds))
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// The bench's host: speaking goes through the participant, every other action succeeds at once.
private struct BenchActions: AgentCallActions {
    let participant: AgentParticipant
    func speak(_ text: String, utteranceID: String) async -> SpeechOutcome { await participant.say(text) }
    func transfer(to target: String, mode: TransferMode) async throws {}
    func hold() async throws {}
    func resume() async throws {}
    func hangUp() async {}
    func sendDTMF(_ digits: String) async throws {}
    func joinConference(_ room: String) async throws {}
}

/// One definition, found by its version.
private struct FixedDefinition: AgentDefinitionSource {
    let definition: AgentDefinition
    init(_ definition: AgentDefinition) { self.definition = definition }
    func definition(version: String) throws(AgentCatalogError) -> AgentDefinition? {
        version == definition.version ? definition : nil
    }
}
