/// How to speak a text: voice, output rate, speed.
public struct SynthesisOptions: Sendable, Equatable {
    /// An espeak-ng voice name, with an optional `+variant` (`en-us+klatt`, `en-gb`, `en-us+f3`).
    public var voice: String
    /// 8000, 16000 or 48000 Hz.
    public var sampleRate: Int
    /// Speaking rate in words per minute (espeak-ng allows 80–450), or nil for its default (175).
    public var wordsPerMinute: Int?
    /// Whether espeak-ng adds its sentence pause after the text (useful between streamed sentences).
    public var endPause: Bool

    public init(voice: String = SpeechSynthesizer.defaultVoice, sampleRate: Int = 16000,
                wordsPerMinute: Int? = nil, endPause: Bool = false) {
        self.voice = voice
        self.sampleRate = sampleRate
        self.wordsPerMinute = wordsPerMinute
        self.endPause = endPause
    }
}
