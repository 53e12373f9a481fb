/// Counters of one recognizer session.
public struct RecognizerStatistics: Sendable, Equatable {
    /// Frames queued by ``RecognizerSession/accept(_:)``.
    public var framesAccepted = 0
    /// Frames dropped because the queue was full (the decoder fell behind) or the session failed.
    public var framesDropped = 0
    /// Utterances that produced a final result.
    public var utterances = 0
    /// Input samples decoded.
    public var decodedSamples = 0
    /// Audio decoded.
    public var decodedAudio: Duration = .zero
    /// CPU time the worker spent decoding (thread CPU time, includes ending utterances).
    public var decodeCPUTime: Duration = .zero
    /// How long building the decoder took (wall time), once it is ready.
    public var creationTime: Duration?

    /// CPU seconds per second of audio (0.5 = half a core while someone speaks).
    public var cpuPerAudioSecond: Double {
        let audio = decodedAudio / .seconds(1)
        return audio > 0 ? (decodeCPUTime / .seconds(1)) / audio : 0
    }
}
