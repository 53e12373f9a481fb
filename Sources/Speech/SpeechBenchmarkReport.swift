import Foundation

/// Figures for `parley bench speech`: what the offline speech engines cost on this machine.
public struct SpeechBenchmarkReport: Sendable, Codable, Equatable {
    /// espeak-ng: submission to first audio chunk (median, ms).
    public var ttsTimeToFirstAudioMs: Double
    /// espeak-ng: synthesis wall time per second of audio (0.002 = 500× faster than real time).
    public var ttsRealTimeFactor: Double
    /// Grammar mode: decoder build time (ms), decoder CPU per audio second, end-of-utterance to
    /// final (ms, median, decoder caught up first).
    public var grammarDecoderCreationMs: Double
    public var grammarCPUPerAudioSecond: Double
    public var grammarFinalLatencyMs: Double
    /// Resident memory a decoder added (MB, from /proc/self/statm; 0 where unavailable).
    public var grammarDecoderMegabytes: Double
    /// Language-model mode, as for grammar mode (nil when skipped).
    public var languageModelDecoderMegabytes: Double?
    public var languageModelDecoderCreationMs: Double?
    public var languageModelCPUPerAudioSecond: Double?
    public var languageModelFinalLatencyMs: Double?
    /// What the language model made of the benchmark's first sentence (a sanity check).
    public var languageModelSample: String?
    /// WebRTC VAD and the tone mask, CPU µs per 20 ms frame at 16 kHz.
    public var vadMicrosecondsPerFrame: Double
    public var toneMaskMicrosecondsPerFrame: Double
    /// A whole `AgentVoiceChannel.hear` + `speak` tick while hearing speech, CPU µs (VAD, tone
    /// mask, echo guard, endpointer, playback; no recognizer attached).
    public var channelTickMicroseconds: Double
    /// Caller speech onset (as the endpointer stamps it) to the agent's first silent frame, ms.
    public var bargeInOnsetToSilenceMs: Double
    /// Sessions one core can decode while all of them hear speech continuously
    /// (1 / CPU per audio second). Callers speak well under half the time, and only speech is
    /// decoded, so a core carries about twice this many calls.
    public var grammarSessionsPerCore: Double
    public var languageModelSessionsPerCore: Double?

    /// The report as one line of JSON (keys sorted).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), let line = String(data: data, encoding: .utf8) else { return "{}" }
        return line
    }
}
