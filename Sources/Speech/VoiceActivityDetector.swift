internal import CWebRTCVAD

/// WebRTC's voice activity detector (GMM over six sub-band energies) for one audio stream.
///
/// On this project's telephone test audio it flagged 0 % of silence and noise as speech and 99 %
/// of speech as speech (mode 2), for about 4 µs per 20 ms frame. Like every VAD it takes tones
/// (ringback, DTMF) for speech: put a ``ToneMask`` in front of it; loud broadband noise
/// (−20 dBFS white noise) also counts as speech.
///
/// The library calls the first 80–120 ms of any stream speech, whatever it hears, while it
/// learns the noise floor; this wrapper reports those frames (``warmup``) as non-speech. It
/// keeps adaptive state between frames, so use one instance per stream, on one thread.
public final class VoiceActivityDetector {
    /// How readily audio is called speech: higher modes miss more quiet speech and flag less noise.
    public enum Aggressiveness: Int32, Sendable, CaseIterable {
        case quality = 0
        case lowBitrate = 1
        case aggressive = 2
        case veryAggressive = 3
    }

    /// The rates the library accepts (this project uses 8 and 16 kHz).
    public static let supportedSampleRates: Set<Int> = [8000, 16000, 32000, 48000]

    public let sampleRate: Int
    public let aggressiveness: Aggressiveness
    /// Audio at the start of the stream (and after ``reset()``) never reported as speech.
    public let warmup: Duration
    private let handle: OpaquePointer
    private let warmupSamples: Int
    private var samplesSeen = 0

    public init(sampleRate: Int, aggressiveness: Aggressiveness = .aggressive,
                warmup: Duration = .milliseconds(120)) throws(SpeechError) {
        guard Self.supportedSampleRates.contains(sampleRate) else {
            throw .unsupportedSampleRate(component: "voice activity detector", sampleRate: sampleRate)
        }
        guard let handle = WebRtcVad_Create() else {
            throw .voiceActivityDetector(function: "WebRtcVad_Create", status: -1)
        }
        self.handle = handle
        self.sampleRate = sampleRate
        self.aggressiveness = aggressiveness
        self.warmup = warmup
        warmupSamples = Int(warmup / .seconds(1) * Double(sampleRate))
        try configure()
    }

    deinit {
        WebRtcVad_Free(handle)
    }

    private func configure() throws(SpeechError) {
        let status = WebRtcVad_Init(handle)
        guard status == 0 else { throw .voiceActivityDetector(function: "WebRtcVad_Init", status: status) }
        let mode = WebRtcVad_set_mode(handle, aggressiveness.rawValue)
        guard mode == 0 else { throw .voiceActivityDetector(function: "WebRtcVad_set_mode", status: mode) }
    }

    /// Whether `count` samples make a frame the detector takes (10, 20 or 30 ms).
    public func acceptsFrame(count: Int) -> Bool {
        WebRtcVad_ValidRateAndFrameLength(Int32(sampleRate), count) == 0
    }

    /// Classifies one 10, 20 or 30 ms frame.
    public func isSpeech(_ frame: UnsafeBufferPointer<Int16>) throws(SpeechError) -> Bool {
        guard let base = frame.baseAddress, acceptsFrame(count: frame.count) else {
            throw .invalidFrameLength(component: "voice activity detector", sampleRate: sampleRate, count: frame.count)
        }
        let result = WebRtcVad_Process(handle, Int32(sampleRate), base, frame.count)
        guard result >= 0 else { throw .voiceActivityDetector(function: "WebRtcVad_Process", status: result) }
        let warmingUp = samplesSeen < warmupSamples
        samplesSeen += frame.count
        return result == 1 && !warmingUp
    }

    /// Forgets the adaptive state, as for a new stream.
    public func reset() throws(SpeechError) {
        samplesSeen = 0
        try configure()
    }
}
