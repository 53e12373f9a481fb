/// All of a job's audio and marks, collected (see ``SpeechSynthesizer/synthesizeAll(_:options:timeout:)``).
public struct SynthesizedSpeech: Sendable {
    public var text: String
    public var sampleRate: Int
    public var samples: [Int16]
    public var marks: [WordMark]
    /// Wall time from submission to the first audio chunk.
    public var timeToFirstAudio: Duration?
    /// Wall time from submission to the end of synthesis.
    public var synthesisTime: Duration

    /// The audio's length.
    public var duration: Duration { .microseconds(samples.count * 1_000_000 / max(1, sampleRate)) }
}
