import Codecs
import Foundation
import Logging
import Speech
import Synchronization

/// Speech-to-text on an OpenAI-compatible `/audio/transcriptions` endpoint (OpenAI Whisper or
/// gpt-4o-transcribe, or a local whisper.cpp / faster-whisper / vLLM server), behind the same
/// ``UtteranceRecognizer`` interface as the embedded pocketsphinx session.
///
/// The media thread calls ``accept(_:)`` with 20 ms frames at ``inputSampleRate``; that only
/// appends the samples to the open utterance under a short lock (never waits for the network).
/// An utterance keeps at most ``Options/maximumUtterance`` of audio (later frames are dropped
/// and counted). ``endUtterance()`` hands the utterance to one worker task, which sends each as a
/// `multipart/form-data` POST (a 16-bit mono WAV at the input rate, the model, the language,
/// `response_format=json`) strictly one after another, so finals are delivered in utterance
/// order. Utterances waiting beyond ``Options/maximumPendingUtterances`` are dropped and counted.
///
/// Events go to `onEvent` on the worker task: `ready` once, then one `final` per utterance.
/// The endpoint gives no partials and no confidence. A failed request (after the
/// ``SpeechRetryPolicy``: 429 waits for Retry-After, capped; 5xx once more; 400 never) is
/// logged, counted in ``statistics`` and delivered as an empty, rejected final, which the
/// voice channel treats like a cough: a barge-in it caused becomes a false interruption and
/// the agent resumes. (A `failed` event would tell the channel the recognizer is dead for the
/// rest of the call, which one failed request does not mean.)
public final class OpenAITranscriber: UtteranceRecognizer {
    /// Limits of one transcriber.
    public struct Options: Sendable, Equatable {
        /// Audio kept per utterance; the endpoint takes up to 25 MB, 30 s is far below that.
        public var maximumUtterance: Duration
        /// Shorter utterances are not sent (OpenAI rejects audio under 0.1 s) but delivered as
        /// rejected finals.
        public var minimumUtterance: Duration
        /// Ended utterances that may wait for the endpoint.
        public var maximumPendingUtterances: Int
        public var retryPolicy: SpeechRetryPolicy
        /// Largest transcription answer read.
        public var maximumResponseBytes: Int

        public init(maximumUtterance: Duration = .seconds(30), minimumUtterance: Duration = .milliseconds(100),
                    maximumPendingUtterances: Int = 8, retryPolicy: SpeechRetryPolicy = SpeechRetryPolicy(),
                    maximumResponseBytes: Int = 1 << 20) {
            self.maximumUtterance = maximumUtterance
            self.minimumUtterance = minimumUtterance
            self.maximumPendingUtterances = max(1, maximumPendingUtterances)
            self.retryPolicy = retryPolicy
            self.maximumResponseBytes = max(1024, maximumResponseBytes)
        }
    }

    /// The input rates accepted.
    public static let supportedSampleRates: Set<Int> = [8000, 16000]

    public let endpoint: OpenAIEndpoint
    /// 8000 or 16000.
    public let inputSampleRate: Int
    /// The ISO-639-1 code sent with each request, or nil to let the endpoint detect it.
    public let language: String?
    private let shared: TranscriberShared
    private let queue: AsyncStream<QueuedUtterance>.Continuation
    private let worker: Task<Void, Never>

    /// - Parameters:
    ///   - apiKey: the resolved key (nil sends no `Authorization`, for local servers).
    ///   - language: a language tag ("en-US", "de"); its primary subtag is sent.
    ///   - metrics: counts failed requests (`service="stt"`).
    ///   - onEvent: receives `ready`, then one `final` per utterance, on the worker task.
    public init(endpoint: OpenAIEndpoint, apiKey: String?, http: AgentHTTPClient, inputSampleRate: Int,
                language: String? = nil, options: Options = Options(), metrics: AgentMetrics = .disabled,
                logger: Logger = Logger(label: "parley.agent.stt"),
                onEvent: @escaping @Sendable (RecognitionEvent) -> Void) throws(SpeechProviderError) {
        guard Self.supportedSampleRates.contains(inputSampleRate) else {
            throw .unsupportedSampleRate(component: "transcriber", sampleRate: inputSampleRate)
        }
        self.endpoint = endpoint
        self.inputSampleRate = inputSampleRate
        self.language = language.flatMap(Self.primaryLanguage)
        let shared = TranscriberShared(collector: UtteranceCollector(sampleRate: inputSampleRate,
                                                                     maximumDuration: options.maximumUtterance))
        self.shared = shared
        let (stream, continuation) = AsyncStream<QueuedUtterance>.makeStream(
            bufferingPolicy: .bufferingOldest(options.maximumPendingUtterances))
        queue = continuation
        let requester = TranscriptionRequester(
            client: OpenAIAudioClient(endpoint: endpoint, apiKey: apiKey, http: http, policy: options.retryPolicy,
                                      service: "stt", metrics: metrics),
            sampleRate: inputSampleRate, language: self.language, options: options, shared: shared, logger: logger)
        worker = Task {
            onEvent(.ready(creationTime: .zero))
            for await queued in stream {
                let result = await requester.transcribe(queued)
                guard !Task.isCancelled else { return }
                onEvent(.final(result))
            }
        }
    }

    deinit {
        close()
    }

    public func beginUtterance() {
        shared.state.withLock { state in
            if !state.closed { state.collector.begin() }
        }
    }

    /// Frames of 1–100 ms at ``inputSampleRate``; audio outside an utterance starts one.
    /// Never blocks beyond a short lock; false when the frame was dropped.
    @discardableResult
    public func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        shared.state.withLock { state in
            guard !state.closed else {
                state.framesRefusedClosed += 1
                return false
            }
            return state.collector.accept(frame)
        }
    }

    public func endUtterance() {
        let ended = shared.state.withLock { state in state.closed ? nil : state.collector.end() }
        guard let ended else { return }
        let result = queue.yield(QueuedUtterance(utterance: ended, endedAt: ContinuousClock.now))
        shared.count { statistics in
            switch result {
            case .enqueued: statistics.utterancesQueued += 1
            case .dropped: statistics.utterancesDropped += 1
            case .terminated: break
            @unknown default: break
            }
        }
    }

    /// Stops the worker (a request in flight is cancelled and its final never delivered) and
    /// refuses audio from now on. Idempotent; also done when the transcriber is released.
    public func close() {
        shared.state.withLock { $0.closed = true }
        queue.finish()
        worker.cancel()
    }

    /// A snapshot of the counters.
    public var statistics: TranscriberStatistics {
        var snapshot = shared.statistics.withLock { $0 }
        shared.state.withLock { state in
            snapshot.framesAccepted = state.collector.framesAccepted
            snapshot.framesDropped = state.collector.framesDropped + state.framesRefusedClosed
        }
        return snapshot
    }

    /// "en-US" → "en"; nil for anything that is not a 2–3 letter primary subtag.
    static func primaryLanguage(_ tag: String) -> String? {
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return primary
    }
}
