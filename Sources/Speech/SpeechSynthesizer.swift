import Dispatch
import Synchronization

/// Offline text-to-speech with espeak-ng.
///
/// espeak-ng keeps global state and is not thread-safe (two threads synthesizing crash it), so
/// there is exactly one synthesizer per process, ``shared``, running every job in submission
/// order on one worker thread. espeak-ng makes 22,050 Hz audio about 500× faster than real
/// time; each job resamples it (speexdsp, via `Codecs.Resampler`) to the rate it asks for.
/// Jobs are cancellable: cancel stops the job within one ~60 ms block of espeak output (a few
/// hundred microseconds) and the worker moves on.
public final class SpeechSynthesizer: Sendable {
    /// The voice recognisers understand best among those Debian ships.
    public static let defaultVoice = "en-us+klatt"
    /// The output rates a job may ask for.
    public static let supportedSampleRates: Set<Int> = [8000, 16000, 48000]

    /// The process-wide synthesizer (espeak-ng is process-global state). Its worker thread and
    /// espeak-ng start on first use.
    public static let shared = SpeechSynthesizer()

    private let worker = SynthesisWorker()
    private let nextID = Atomic<UInt64>(1)

    private init() {}

    /// Queues `text` and returns at once; `onEvent` receives the audio chunks then `finished`,
    /// on the synthesizer's worker thread.
    public func synthesize(_ text: String, options: SynthesisOptions = SynthesisOptions(),
                           onEvent: @escaping @Sendable (SynthesisEvent) -> Void) throws(SpeechError) -> SynthesisJob {
        guard Self.supportedSampleRates.contains(options.sampleRate) else {
            throw .unsupportedSampleRate(component: "synthesizer", sampleRate: options.sampleRate)
        }
        if let rate = options.wordsPerMinute, !(80...450).contains(rate) {
            throw .invalidSetting(name: "wordsPerMinute", value: String(rate))
        }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let job = SynthesisJob(id: id, text: text, sampleRate: options.sampleRate)
        worker.submit(SynthesisRequest(job: job, options: options, handler: onEvent))
        return job
    }

    /// Queues `text` with a voice and rate (the common case of ``synthesize(_:options:onEvent:)``).
    public func synthesize(_ text: String, voice: String = defaultVoice, sampleRate: Int = 16000,
                           onEvent: @escaping @Sendable (SynthesisEvent) -> Void) throws(SpeechError) -> SynthesisJob {
        try synthesize(text, options: SynthesisOptions(voice: voice, sampleRate: sampleRate), onEvent: onEvent)
    }

    /// Synthesizes `text` and waits for all of it (tests, benchmarks, prompts rendered ahead of
    /// time). Blocks the calling thread: never call it on a media thread.
    public func synthesizeAll(_ text: String, options: SynthesisOptions = SynthesisOptions(),
                              timeout: Duration = .seconds(30)) throws(SpeechError) -> SynthesizedSpeech {
        let collector = Mutex(SynthesizedSpeech(text: text, sampleRate: options.sampleRate, samples: [],
                                                marks: [], timeToFirstAudio: nil, synthesisTime: .zero))
        let clock = ContinuousClock()
        let start = clock.now
        let job = try synthesize(text, options: options) { event in
            collector.withLock { speech in
                switch event {
                case .audio(let chunk):
                    if speech.timeToFirstAudio == nil { speech.timeToFirstAudio = clock.now - start }
                    speech.samples.append(contentsOf: chunk.samples)
                    speech.marks.append(contentsOf: chunk.marks)
                case .finished:
                    speech.synthesisTime = clock.now - start
                }
            }
        }
        switch job.wait(timeout: timeout) {
        case .completed?:
            return collector.withLock { $0 }
        case .failed(let error)?:
            throw error
        case .cancelled?, nil:
            job.cancel()
            throw .timedOut(operation: "synthesis of \(text.count) characters")
        }
    }
}
