import Dispatch
import Foundation
import Synchronization

/// Measures the speech engines on synthetic speech (espeak-ng's own voice, so recognition is
/// easier than on real callers; CPU and latency figures carry over).
public enum SpeechBenchmark {
    public struct Options: Sendable {
        /// Include the language-model decoder (~100 MB, ~0.5 s to build).
        public var languageModel: Bool
        /// Sentences synthesized and decoded.
        public var sentences: [String]
        /// Frames timed for the VAD and the tone mask.
        public var frames: Int
        public var recognizer: SpeechRecognizer

        public init(languageModel: Bool = true,
                    sentences: [String] = ["what are your opening hours", "i would like to book a table for four people",
                                           "please call me back tomorrow morning", "yes", "four seven two"],
                    frames: Int = 5000, recognizer: SpeechRecognizer = SpeechRecognizer()) {
            self.languageModel = languageModel
            self.sentences = sentences
            self.frames = frames
            self.recognizer = recognizer
        }
    }

    static let grammar = """
        #JSGF V1.0;
        grammar bench;
        <digit> = zero | one | two | three | four | five | six | seven | eight | nine;
        public <answer> = yes | no | <digit>+ | (i would like to book a table for <digit> people)
            | (what are your opening hours) | (please call me back tomorrow morning);
        """

    /// Runs every measurement; takes a few seconds (longer with the language model).
    public static func run(_ options: Options = Options()) throws(SpeechError) -> SpeechBenchmarkReport {
        let synthesizer = SpeechSynthesizer.shared
        var firstAudio: [Double] = []
        var synthesisSeconds = 0.0
        var audioSeconds = 0.0
        var utterances: [[Int16]] = []
        for sentence in options.sentences {
            let speech = try synthesizer.synthesizeAll(sentence)
            firstAudio.append((speech.timeToFirstAudio ?? speech.synthesisTime) / .milliseconds(1))
            synthesisSeconds += speech.synthesisTime / .seconds(1)
            audioSeconds += speech.duration / .seconds(1)
            utterances.append(speech.samples)
        }
        let grammar = try decode(utterances, mode: .grammar(jsgf: Self.grammar), recognizer: options.recognizer)
        let languageModel = options.languageModel
            ? try decode(utterances, mode: .languageModel, recognizer: options.recognizer) : nil
        let tick = try measureChannel(frames: min(options.frames, 2000))
        return SpeechBenchmarkReport(
            ttsTimeToFirstAudioMs: median(firstAudio),
            ttsRealTimeFactor: audioSeconds > 0 ? synthesisSeconds / audioSeconds : 0,
            grammarDecoderCreationMs: grammar.creationMs, grammarCPUPerAudioSecond: grammar.cpuPerAudioSecond,
            grammarFinalLatencyMs: grammar.finalLatencyMs, grammarDecoderMegabytes: grammar.megabytes,
            languageModelDecoderMegabytes: languageModel?.megabytes,
            languageModelDecoderCreationMs: languageModel?.creationMs,
            languageModelCPUPerAudioSecond: languageModel?.cpuPerAudioSecond,
            languageModelFinalLatencyMs: languageModel?.finalLatencyMs, languageModelSample: languageModel?.firstText,
            vadMicrosecondsPerFrame: try measureVAD(frames: options.frames, audio: utterances),
            toneMaskMicrosecondsPerFrame: measureToneMask(frames: options.frames, audio: utterances),
            channelTickMicroseconds: tick.tickMicroseconds, bargeInOnsetToSilenceMs: tick.bargeInMs,
            grammarSessionsPerCore: grammar.cpuPerAudioSecond > 0 ? 1 / grammar.cpuPerAudioSecond : 0,
            languageModelSessionsPerCore: languageModel.map { $0.cpuPerAudioSecond > 0 ? 1 / $0.cpuPerAudioSecond : 0 })
    }

    struct DecodeFigures {
        var creationMs: Double
        var megabytes: Double
        var cpuPerAudioSecond: Double
        var finalLatencyMs: Double
        var firstText: String
    }

    /// Feeds each utterance in 20 ms frames, waits for the decoder to catch up, then times the
    /// end of utterance to its final.
    static func decode(_ utterances: [[Int16]], mode: RecognitionMode, recognizer: SpeechRecognizer) throws(SpeechError) -> DecodeFigures {
        var recognizer = recognizer
        recognizer.tuning.queueCapacity = 1_000_000
        let finals = Mutex<[RecognitionResult]>([])
        let failure = Mutex<SpeechError?>(nil)
        let finalSignal = DispatchSemaphore(value: 0)
        let clock = ContinuousClock()
        let ready = DispatchSemaphore(value: 0)
        let residentBefore = residentMegabytes()
        let session = try recognizer.makeSession(mode: mode, inputSampleRate: 16000) { event in
            switch event {
            case .ready:
                ready.signal()
            case .final(let result):
                finals.withLock { $0.append(result) }
                finalSignal.signal()
            case .failed(let error):
                failure.withLock { $0 = error }
                finalSignal.signal()
                ready.signal()
            case .partial:
                break
            }
        }
        defer { session.close() }
        guard ready.wait(timeout: .now() + 60) == .success else { throw .timedOut(operation: "benchmark decoder build") }
        if let error = failure.withLock({ $0 }) { throw error }
        let megabytes = max(0, residentMegabytes() - residentBefore)
        var latencies: [Double] = []
        var fedSamples = 0
        for utterance in utterances {
            session.beginUtterance()
            for start in stride(from: 0, to: utterance.count, by: 320) {
                let end = min(start + 320, utterance.count)
                utterance[start..<end].withUnsafeBufferPointer { _ = session.accept($0) }
            }
            fedSamples += utterance.count
            // Wait (bounded) for the worker to decode everything queued.
            for _ in 0..<6000 where session.statistics.decodedSamples < fedSamples && failure.withLock({ $0 }) == nil {
                usleep(5000)
            }
            let ended = clock.now
            session.endUtterance()
            guard finalSignal.wait(timeout: .now() + 30) == .success else { throw .timedOut(operation: "benchmark decode") }
            if let error = failure.withLock({ $0 }) { throw error }
            latencies.append((clock.now - ended) / .milliseconds(1))
        }
        let statistics = session.statistics
        return DecodeFigures(creationMs: (statistics.creationTime ?? .zero) / .milliseconds(1), megabytes: megabytes,
                             cpuPerAudioSecond: statistics.cpuPerAudioSecond, finalLatencyMs: median(latencies),
                             firstText: finals.withLock { $0.first?.text ?? "" })
    }

    static func measureVAD(frames: Int, audio: [[Int16]]) throws(SpeechError) -> Double {
        let vad = try VoiceActivityDetector(sampleRate: 16000)
        let samples = audio.flatMap { $0 }
        guard samples.count >= 320 else { return 0 }
        let start = threadCPUTime()
        var speech = 0
        try samples.withUnsafeBufferPointer { buffer throws(SpeechError) in
            for index in 0..<frames {
                let offset = (index * 320) % (buffer.count - 319)
                if try vad.isSpeech(UnsafeBufferPointer(rebasing: buffer[offset..<offset + 320])) { speech += 1 }
            }
        }
        return (threadCPUTime() - start) / .microseconds(1) / Double(max(1, frames))
    }

    static func measureToneMask(frames: Int, audio: [[Int16]]) -> Double {
        var mask = ToneMask(sampleRate: 16000)
        let samples = audio.flatMap { $0 }
        guard samples.count >= 320 else { return 0 }
        let start = threadCPUTime()
        samples.withUnsafeBufferPointer { buffer in
            for index in 0..<frames {
                let offset = (index * 320) % (buffer.count - 319)
                _ = mask.analyze(UnsafeBufferPointer(rebasing: buffer[offset..<offset + 320]))
            }
        }
        return (threadCPUTime() - start) / .microseconds(1) / Double(max(1, frames))
    }

    /// Plays a prompt on a channel, then feeds caller speech over it, and measures the tick cost
    /// and the onset-to-silence time.
    static func measureChannel(frames: Int) throws(SpeechError) -> (tickMicroseconds: Double, bargeInMs: Double) {
        let prompt = try SpeechSynthesizer.shared.synthesizeAll("thank you for calling, how can i help you today")
        let caller = try SpeechSynthesizer.shared.synthesizeAll(
            "stop, i need to talk to someone", options: SynthesisOptions(voice: "en-us+m3"))
        let channel = try AgentVoiceChannel()
        channel.enqueue(1, text: prompt.text)
        channel.appendAudio(prompt.samples, marks: prompt.marks, to: 1)
        channel.finishAudio(of: 1)
        let silence = [Int16](repeating: 0, count: 320)
        var out = [Int16](repeating: 0, count: 320)
        let callerStartTick = 25
        var onset: Duration?
        var silentAt: Duration?
        var cpu = Duration.zero
        var measuredTicks = 0
        for tick in 0..<max(frames, callerStartTick + 200) {
            let offset = (tick - callerStartTick) * 320
            let hearsCaller = offset >= 0 && offset + 320 <= caller.samples.count
            let start = threadCPUTime()
            if hearsCaller {
                caller.samples[offset..<offset + 320].withUnsafeBufferPointer { channel.hear($0) }
            } else {
                silence.withUnsafeBufferPointer { channel.hear($0) }
            }
            let now = channel.now
            let speaking = out.withUnsafeMutableBufferPointer { channel.speak(into: $0) }
            // Ticks that hear speech are the expensive ones (silence skips the tone analysis).
            if hearsCaller {
                cpu += threadCPUTime() - start
                measuredTicks += 1
            }
            for case .speechStarted(let at) in channel.drainEvents() where onset == nil { onset = at }
            if onset != nil, silentAt == nil, !speaking { silentAt = now }
        }
        let bargeIn = onset.flatMap { onset in silentAt.map { ($0 - onset) / .milliseconds(1) } } ?? -1
        return (cpu / .microseconds(1) / Double(max(1, measuredTicks)), bargeIn)
    }

    /// Resident set size of this process, MB (Linux; 0 elsewhere).
    static func residentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_000_000
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[sorted.count / 2]
    }
}
