/// The outcome of one utterance.
public struct RecognitionResult: Sendable, Equatable {
    /// Counts utterances within a session, from 1.
    public var utterance: Int
    /// The words, lower case, space separated, without fillers; empty when nothing was
    /// recognised or the utterance was rejected.
    public var text: String
    /// Language-model mode with best-path rescoring: the mean posterior probability of the
    /// words (0…1). Nil when not computed (grammar mode, or rescoring off).
    public var confidence: Double?
    /// Grammar mode: the speech matched the garbage model better than the grammar.
    public var isRejected: Bool
    /// The audio decoded for this utterance.
    public var audioDuration: Duration

    public init(utterance: Int, text: String, confidence: Double?, isRejected: Bool, audioDuration: Duration) {
        self.utterance = utterance
        self.text = text
        self.confidence = confidence
        self.isRejected = isRejected
        self.audioDuration = audioDuration
    }
}

/// What a session reports, on its worker thread.
public enum RecognitionEvent: Sendable, Equatable {
    /// The decoder is built; `creationTime` is how long that took.
    case ready(creationTime: Duration)
    /// The best hypothesis so far in an utterance (sent when it changes).
    case partial(utterance: Int, text: String)
    /// The result of an utterance, after ``RecognizerSession/endUtterance()``.
    case final(RecognitionResult)
    /// The decoder could not be built or failed; the session drops audio from now on.
    case failed(SpeechError)
}
