/// How the agent's voice channel listens and when it yields the floor.
public struct AgentVoiceConfiguration: Sendable, Equatable {
    /// WebRTC VAD mode for the caller's audio.
    public var vadAggressiveness: VoiceActivityDetector.Aggressiveness
    /// Onset guard, trailing silence and maximum utterance length. The onset guard is also the
    /// barge-in guard: speech must last this long before it interrupts the agent.
    public var endpointer: SpeechEndpointer.Configuration
    /// Whether the caller's speech onset stops the agent.
    public var bargeInEnabled: Bool
    /// How long a barge-in may go without recognised words before it counts as false.
    public var falseInterruptionTimeout: Duration
    /// Echo guard: while the agent plays (and for ``echoWindow`` after), a heard frame counts as
    /// speech only if its RMS level exceeds this fraction of the loudest agent frame in the last
    /// ``echoWindow``. 0.25 (−12 dB) assumes the caller's side returns our audio at least 12 dB
    /// down, which handsets and G.168 echo cancellers do; set 0 to disable.
    public var echoSuppressionRatio: Double
    /// How far back the echo guard looks at the agent's output (covers the echo path delay).
    public var echoWindow: Duration
    /// Audio before the onset handed to the recognizer with it (covers the guard and the soft
    /// start of the first word).
    public var preRoll: Duration
    /// DTMF and call-progress detection.
    public var toneMask: ToneMask.Configuration
    /// Agent audio buffered beyond this is dropped (a bound, not a tuning knob).
    public var maximumBufferedAudio: Duration
    /// Events kept for the host beyond this are dropped and counted.
    public var maximumPendingEvents: Int

    public init(vadAggressiveness: VoiceActivityDetector.Aggressiveness = .aggressive,
                endpointer: SpeechEndpointer.Configuration = SpeechEndpointer.Configuration(),
                bargeInEnabled: Bool = true, falseInterruptionTimeout: Duration = .seconds(2),
                echoSuppressionRatio: Double = 0.25, echoWindow: Duration = .milliseconds(300),
                preRoll: Duration = .milliseconds(300), toneMask: ToneMask.Configuration = ToneMask.Configuration(),
                maximumBufferedAudio: Duration = .seconds(120), maximumPendingEvents: Int = 1024) {
        self.vadAggressiveness = vadAggressiveness
        self.endpointer = endpointer
        self.bargeInEnabled = bargeInEnabled
        self.falseInterruptionTimeout = falseInterruptionTimeout
        self.echoSuppressionRatio = echoSuppressionRatio
        self.echoWindow = echoWindow
        self.preRoll = preRoll
        self.toneMask = toneMask
        self.maximumBufferedAudio = maximumBufferedAudio
        self.maximumPendingEvents = maximumPendingEvents
    }
}
