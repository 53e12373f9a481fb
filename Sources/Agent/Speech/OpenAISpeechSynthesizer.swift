import Codecs
import Foundation
import Logging
import Speech
import Synchronization

/// Text-to-speech on an OpenAI-compatible `/audio/speech` endpoint (OpenAI tts-1 /
/// gpt-4o-mini-tts, or a local Kokoro, Piper or Orpheus server speaking the same API), with the
/// same events as the embedded ``SpeechSynthesizer`` so a host feeds ``AgentVoiceChannel``
/// (`enqueue`, `appendAudio`, `finishAudio`) exactly as it does for espeak-ng.
///
/// Each job POSTs `{model, input, voice, response_format: "pcm"}` and streams the answer: raw
/// 16-bit little-endian mono at ``Options/rawSampleRate`` (24 kHz for OpenAI), or a WAV when the
/// server sends a RIFF header. Every piece of the body is resampled (speexdsp) to the job's rate
/// and delivered as an audio chunk as soon as it arrives, so the first audio plays long before
/// the body ends. Jobs run concurrently on their own tasks (the next sentence is fetched while
/// one plays); each job's events are in order. Cancelling a job closes its HTTP stream.
///
/// **Word marks are estimated.** The API reports no word timings, so when the body is complete
/// the words are spread over the voiced part of the audio in proportion to their character
/// counts (``WordMarkEstimator``) and delivered with the last chunk (their offsets point back
/// into audio already delivered). A barge-in before the body is complete therefore counts
/// nothing of the sentence as heard; after it, "what the caller heard" is accurate to about a
/// word.
///
/// Failures: 429 and 5xx are retried once (``SpeechRetryPolicy``) before any audio; then the
/// job finishes with `.failed`, whose ``SpeechError`` carries this provider's message (the
/// typed error is on ``OpenAISpeechJob/error``).
public final class OpenAISpeechSynthesizer: Sendable {
    /// The body format asked for.
    public enum ResponseFormat: String, Sendable, Equatable {
        /// Raw 16-bit little-endian mono PCM (OpenAI: 24 kHz).
        case pcm
        /// A WAV file (read from its header).
        case wav
    }

    /// Settings of one synthesizer.
    public struct Options: Sendable, Equatable {
        /// The rate of a raw `pcm` body.
        public var rawSampleRate: Int
        public var responseFormat: ResponseFormat
        public var retryPolicy: SpeechRetryPolicy
        /// Largest body read (a runaway stream ends the job as failed).
        public var maximumBodyBytes: Int

        public init(rawSampleRate: Int = 24_000, responseFormat: ResponseFormat = .pcm,
                    retryPolicy: SpeechRetryPolicy = SpeechRetryPolicy(), maximumBodyBytes: Int = 64 << 20) {
            self.rawSampleRate = rawSampleRate
            self.responseFormat = responseFormat
            self.retryPolicy = retryPolicy
            self.maximumBodyBytes = max(1024, maximumBodyBytes)
        }
    }

    /// The output rates a job may ask for (those of ``SpeechSynthesizer``).
    public static let supportedSampleRates: Set<Int> = [8000, 16000, 48000]

    public let endpoint: OpenAIEndpoint
    /// The voice used when a job names none ("alloy", "nova"...).
    public let defaultVoice: String
    public let options: Options
    private let client: OpenAIAudioClient
    private let logger: Logger
    private let nextID = Atomic<UInt64>(1)

    /// - Parameters:
    ///   - apiKey: the resolved key (nil sends no `Authorization`, for local servers).
    ///   - metrics: counts failed requests (`service="tts"`).
    public init(endpoint: OpenAIEndpoint, apiKey: String?, http: AgentHTTPClient, voice: String = "alloy",
                options: Options = Options(), metrics: AgentMetrics = .disabled,
                logger: Logger = Logger(label: "parley.agent.tts")) throws(SpeechProviderError) {
        guard (1000...192_000).contains(options.rawSampleRate) else {
            throw .unsupportedSampleRate(component: "speech endpoint", sampleRate: options.rawSampleRate)
        }
        self.endpoint = endpoint
        defaultVoice = voice
        self.options = options
        client = OpenAIAudioClient(endpoint: endpoint, apiKey: apiKey, http: http, policy: options.retryPolicy,
                                   service: "tts", metrics: metrics)
        self.logger = logger
    }

    /// Starts speaking `text` and returns at once; `onEvent` receives the audio chunks then
    /// `finished`, on the job's task. The handler must return quickly (copy and leave).
    public func synthesize(_ text: String, voice: String? = nil, sampleRate: Int = 16000,
                           onEvent: @escaping @Sendable (SynthesisEvent) -> Void) throws(SpeechProviderError) -> OpenAISpeechJob {
        guard Self.supportedSampleRates.contains(sampleRate) else {
            throw .unsupportedSampleRate(component: "speech synthesizer", sampleRate: sampleRate)
        }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let job = OpenAISpeechJob(id: id, text: text, sampleRate: sampleRate)
        let run = SpeechRun(job: job, voice: voice ?? defaultVoice, client: client, options: options,
                            handler: onEvent, logger: logger)
        job.start(Task { await run.run() })
        return job
    }
}
