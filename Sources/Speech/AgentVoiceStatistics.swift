/// Counters of an agent voice channel.
public struct AgentVoiceStatistics: Sendable, Equatable {
    /// Frames heard (the channel's clock, in 20 ms ticks).
    public var framesHeard = 0
    /// Frames handed to ``AgentVoiceChannel/hear(_:)`` or ``AgentVoiceChannel/speak(into:)`` with
    /// the wrong length (ignored / answered with silence).
    public var invalidFrames = 0
    /// Frames the recognizer refused (its queue was full).
    public var framesDroppedByRecognizer = 0
    /// Agent audio samples dropped by the buffer bound or for unknown utterances.
    public var samplesDropped = 0
    /// Events dropped because the host did not drain them.
    public var eventsDropped = 0
    /// Barge-ins, and those that turned out false.
    public var bargeIns = 0
    public var falseInterruptions = 0
}
