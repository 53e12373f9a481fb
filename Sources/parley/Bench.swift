import ArgumentParser
import Foundation
import Logging
import Agent
import Media
import Speech
import Switch
import Synchronization
import Workflow

/// `parley bench …`: benchmarks whose last output line is one JSON object.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark; the last line printed is one JSON object.",
        subcommands: [MediaBench.self, WorkflowBench.self, RoomBench.self, SpeechBench.self, AgentBench.self, AgentCallBench.self,
                      BargeInBench.self])
}

/// Concurrent G.711 echo calls on the media engine: steps up the call count and reports, per step,
/// late ticks, lost echoes, round-trip percentiles and packets per second of media CPU; first the
/// per-packet cost of the media code itself (no sockets) and its heap allocations.
struct MediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "media", abstract: "Concurrent G.711 calls through the media engine.")

    @Option(help: "Call counts to try, in order (stops at the first step with a late tick or a lost packet).")
    var calls: [Int] = [250, 500, 1000, 1500, 2000, 2500, 3000]
    @Option(help: "Seconds per step.") var seconds: Double = 10
    @Option(help: "Media threads (0 = one per core).") var threads: Int = 0
    @Option(help: "First RTP port.") var portMin: Int = 34000
    @Option(help: "Loopback sockets playing the far ends.") var generatorSockets: Int = 16
    @Flag(help: "Give media threads real-time priority.") var realtime = false
    @Flag(help: "Opus calls (decoded and re-encoded every frame) instead of G.711.") var opus = false
    @Flag(help: "Calls without telephone-event: in-band DTMF detection runs on every frame.") var inband = false

    func run() throws {
        let logger = Logger(label: "bench")
        // The media code's own cost per packet (parse, jitter buffer, decode, DTMF, encode, serialize;
        // no syscalls), for 1,000 streams. Run under LD_PRELOAD=libc_malloc_debug.so.0 with
        // MALLOC_TRACE=file to trace its heap allocations (a second pass; the file shows none).
        let path = PacketPathBenchmark.run(streams: 1000, ticks: 200, telephoneEvent: inband ? nil : 101,
                                           traceAllocations: ProcessInfo.processInfo.environment["MALLOC_TRACE"] != nil)
        print(String(format: "packet_path streams=%d packets=%d ns_per_packet=%.0f", path.streams, path.packets,
                     path.nanosecondsPerPacket))
        var best = 0
        var lastClean: MediaBenchmark.Result?
        for n in calls {
            let r = try MediaBenchmark.echo(calls: n, seconds: seconds, threads: threads,
                                            portRange: portMin...(portMin + n * 2 + 64), realtime: realtime, opus: opus,
                                            generatorSockets: generatorSockets, telephoneEvent: !inband, logger: logger)
            print(String(format: "clean=\(r.clean) calls=%d sent=%d echoed=%d late_ticks=%llu slowest_tick_us=%llu rtt_p50_ms=%.1f rtt_p99_ms=%.1f rtt_max_ms=%.1f media_cpu_s=%.2f pps_per_cpu_s=%.0f ns_per_packet=%.0f generator_cpu_s=%.2f",
                         r.calls, r.sent, r.echoed, r.lateTicks, r.slowestTickMicroseconds, r.rttP50Milliseconds,
                         r.rttP99Milliseconds, r.rttMaxMilliseconds, r.mediaCPUSeconds, r.packetsPerCPUSecond,
                         r.nanosecondsPerPacket, r.generatorCPUSeconds))
            fflushOut()
            guard r.clean else { break }
            best = n
            lastClean = r
        }
        let pps = lastClean?.packetsPerCPUSecond ?? 0
        let perCore = (lastClean?.coresPerCall).map { $0 > 0 ? Int(1 / $0) : 0 } ?? 0
        print("{\"codec\":\"\(opus ? "opus" : "PCMU")\",\"telephone_event\":\(!inband),\"max_clean_calls\":\(best),\"packets_per_cpu_second\":\(Int(pps)),\"ns_per_packet_at_max\":\(Int(lastClean?.nanosecondsPerPacket ?? 0)),\"packet_path_ns\":\(Int(path.nanosecondsPerPacket)),\"rtt_p99_ms_at_max\":\(lastClean?.rttP99Milliseconds ?? 0),\"calls_per_core\":\(perCore)}")
    }

    private func fflushOut() { FileHandle.standardOutput.synchronizeFile() }
}

/// The workflow engine's figures: signal-to-handler latency, durable step, events/s across 1,000
/// workflows, replay of 10,000 events and recovery of 1,000 workflows (SQLite in a temp folder).
struct WorkflowBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workflow", abstract: "Durable workflow engine figures.")

    @Option(help: "Folder for the benchmark's SQLite files (default: a new temporary folder).")
    var directory: String?

    func run() throws {
        let folder = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("parley-wfbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(at: folder) } }
        let outcome = Mutex<Result<String, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let json = try await WorkflowBenchmark.run(directory: folder) { line in print(line) }
                outcome.withLock { $0 = .success(json) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let json): print(json)
        case .failure(let error): throw error
        case nil: throw ExitCode(1)
        }
    }
}

/// Room mixing cost: members in one room (G.711 or Opus), a few of them talking.
struct RoomBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "room", abstract: "Conference mixing cost per member per tick.")

    @Option(help: "Member counts to measure (G.711).") var members: [Int] = [100, 500, 1000, 2000]
    @Option(help: "Members talking at once.") var talkers: Int = 3
    @Option(help: "Opus member counts to measure.") var opusMembers: [Int] = [25, 50]
    @Option(help: "Room rate (8000, 16000, 48000).") var rate: Int = 16000

    func run() throws {
        var last: RoomBenchmark.Result?
        for n in members {
            let r = try RoomBenchmark.run(members: n, talkers: talkers, roomRate: rate)
            print(String(format: "codec=PCMU members=%d talkers=%d tick_median_us=%.0f tick_p99_us=%.0f per_member_us=%.2f members_per_core=%d",
                         r.members, r.talkers, r.tickMedianMicroseconds, r.tickP99Microseconds, r.perMemberMicroseconds, r.membersPerCore))
            last = r
        }
        var opusLast: RoomBenchmark.Result?
        for n in opusMembers {
            let r = try RoomBenchmark.run(members: n, talkers: talkers, opus: true, roomRate: rate, ticks: 150)
            print(String(format: "codec=opus members=%d talkers=%d tick_median_us=%.0f tick_p99_us=%.0f per_member_us=%.1f members_per_core=%d",
                         r.members, r.talkers, r.tickMedianMicroseconds, r.tickP99Microseconds, r.perMemberMicroseconds, r.membersPerCore))
            opusLast = r
        }
        print("{\"room_rate\":\(rate),\"talkers\":\(talkers),\"pcmu_members\":\(last?.members ?? 0),\"pcmu_tick_median_us\":\(Int(last?.tickMedianMicroseconds ?? 0)),\"pcmu_per_member_us\":\(String(format: "%.2f", last?.perMemberMicroseconds ?? 0)),\"pcmu_members_per_core\":\(last?.membersPerCore ?? 0),\"opus_per_member_us\":\(String(format: "%.1f", opusLast?.perMemberMicroseconds ?? 0)),\"opus_members_per_core\":\(opusLast?.membersPerCore ?? 0)}")
    }
}

/// Offline speech engines: TTS latency, STT cost per audio second, VAD, barge-in.
struct SpeechBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "speech", abstract: "espeak-ng, pocketsphinx and VAD figures.")

    @Flag(help: "Skip the language-model decoder (~100 MB, slow to build).") var grammarOnly = false

    func run() throws {
        var options = SpeechBenchmark.Options()
        options.languageModel = !grammarOnly
        let report = try SpeechBenchmark.run(options)
        print(report.jsonLine)
    }
}

/// The agent's per-turn figures: workflow overhead (signal → speak effect), scripted brain, BM25.
struct AgentBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Agent turn overhead with the scripted brain.")

    @Option(help: "Agent definition file.") var definition = "conf/agents/receptionist.yaml"
    @Option(help: "Conversations run one after another.") var conversations = 10
    @Option(help: "Turns in each conversation.") var turns = 50

    func run() throws {
        let agent = try AgentDefinitionLoader.load(path: definition)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-agentbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = Mutex<Result<String, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let (count, each) = (conversations, turns)
        Task {
            do {
                let report = try await AgentBenchmark.run(definition: agent, directory: folder, conversations: count, turnsEach: each)
                outcome.withLock { $0 = .success(report.jsonLine) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let json): print(json)
        case .failure(let error): throw error
        case nil: throw ExitCode(1)
        }
    }
}

/// The AI participant in a call: final transcript → first reply audio, and how many agent calls
/// this machine carries with grammar and with language-model recognition.
struct AgentCallBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent-call",
                                                    abstract: "AI participant reply latency and concurrent agent calls.")

    @Option(help: "Agent definition file.") var definition = "conf/agents/receptionist.yaml"
    @Option(help: "Questions answered for the latency figure.") var turns = 30
    @Option(help: "Concurrent calls to try with grammar recognition (stops at the first unclean step).")
    var grammarSteps: [Int] = [20, 40, 60, 80, 100]
    @Option(help: "Concurrent calls to try with language-model recognition.") var lmSteps: [Int] = [4, 8, 12, 16]
    @Option(help: "Seconds per concurrency step.") var seconds: Double = 12

    func run() throws {
        let agent = try AgentDefinitionLoader.load(path: definition)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-agentcall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = turns
        let latency = try AgentSetup.wait { try await AgentCallBenchmark.replyLatency(definition: agent, directory: folder, turns: count) }
        print(String(format: "reply: turns=%d final_to_first_audio_p50_ms=%.1f p95_ms=%.1f max_ms=%.1f (+ up to 20 ms to the next RTP tick)",
                     latency.turns, latency.p50Milliseconds, latency.p95Milliseconds, latency.maxMilliseconds))
        var best: [Bool: Int] = [false: 0, true: 0]
        for (languageModel, steps) in [(false, grammarSteps), (true, lmSteps)] {
            for n in steps {
                let step = try AgentCallBenchmark.concurrency(sessions: n, languageModel: languageModel, seconds: seconds)
                print(String(format: "%@ calls=%d clean=%@ questions=%d finals=%d dropped_frames=%d final_p95_ms=%.0f late_ticks=%d cores_busy=%.2f",
                             languageModel ? "lm" : "grammar", n, step.clean ? "yes" : "no", step.questions, step.finals,
                             step.framesDropped, step.finalLatencyP95Milliseconds, step.lateTicks, step.coresBusy))
                FileHandle.standardOutput.synchronizeFile()
                guard step.clean else { break }
                best[languageModel] = n
            }
        }
        print(String(format: "{\"final_to_first_audio_p50_ms\":%.1f,\"final_to_first_audio_p95_ms\":%.1f,\"grammar_calls_clean\":%d,\"lm_calls_clean\":%d}",
                     latency.p50Milliseconds, latency.p95Milliseconds, best[false] ?? 0, best[true] ?? 0))
    }
}

/// Speech onset → the agent silent on the wire: a loopback "phone" talks over the agent through
/// the media engine and a 16 kHz room (see ``BargeInWireBenchmark``).
struct BargeInBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "barge-in",
                                                    abstract: "Caller speech onset to agent silence, measured on the RTP wire.")

    @Option(help: "Agent definition file (its barge_in settings apply).") var definition = "conf/agents/receptionist.yaml"
    @Option(help: "Interruptions to measure.") var rounds = 10
    @Option(help: "First RTP port for the switch side.") var portMin: Int = 33000
    @Option(help: "Jitter buffer depth in frames (parley run uses 2).") var jitterFrames: Int = 2
    @Option(help: "Minimum caller speech before a barge-in, in ms (default: the definition's min_speech_ms).")
    var minSpeechMs: Int?
    @Option(help: "What the caller says (espeak-ng).") var text = BargeInWireBenchmark.defaultCallerText

    func run() throws {
        var loaded = try AgentDefinitionLoader.load(path: definition)
        if let minSpeechMs { loaded.bargeIn.minSpeech = .milliseconds(max(20, minSpeechMs)) }
        let (agent, count, ports, frames, said) = (loaded, rounds, portMin...(portMin + 19), jitterFrames, text)
        let report = try AgentSetup.wait {
            try await BargeInWireBenchmark.run(definition: agent, rounds: count, ports: ports, jitterFrames: frames, callerText: said)
        }
        print(String(format: "barge-in on the wire: rounds=%d missed=%d onset_to_silence_p50_ms=%.1f p95_ms=%.1f max_ms=%.1f (min_speech_ms=%d)",
                     report.rounds, report.missed, report.p50Milliseconds, report.p95Milliseconds, report.maxMilliseconds,
                     Int(agent.bargeIn.minSpeech.components.seconds * 1000 + agent.bargeIn.minSpeech.components.attoseconds / 1_000_000_000_000_000)))
        print(String(format: "{\"rounds\":%d,\"missed\":%d,\"onset_to_silence_on_wire_p50_ms\":%.1f,\"p95_ms\":%.1f,\"max_ms\":%.1f}",
                     report.rounds, report.missed, report.p50Milliseconds, report.p95Milliseconds, report.maxMilliseconds))
    }
}
