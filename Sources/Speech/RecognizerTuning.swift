/// Knobs for recognizer sessions; the defaults are the fast settings measured on this project's
/// 2-core machines.
public struct RecognizerTuning: Sendable, Equatable {
    /// Audio frames (of any size up to 100 ms) a session queues before it drops new ones.
    public var queueCapacity: Int
    /// How often a partial hypothesis is looked up while streaming, in 10 ms decoder frames.
    public var partialIntervalFrames: Int
    /// Language-model mode: rescore the word lattice at the end of each utterance (`-bestpath`).
    /// Costs 2–50 ms per final on this machine, improves the words and gives
    /// ``RecognitionResult/confidence``; off, the final is the first-pass hypothesis and
    /// confidence is nil.
    public var languageModelBestPath: Bool
    /// Grammar mode: probability of entering the garbage loop instead of the grammar.
    public var garbageEntryProbability: Double
    /// Grammar mode: transition probability of each garbage phone; higher rejects more. 0.2
    /// accepted all in-grammar and rejected all clearly out-of-grammar utterances of Debian's
    /// real test speech (cards grammar against LibriVox sentences) and of espeak-ng speech;
    /// the boundary on both lay between 0.05 and 0.4.
    public var garbagePhoneProbability: Double
    /// Extra pocketsphinx arguments (`["-beam": "1e-40"]`), applied last.
    public var extraArguments: [String: String]

    public init(queueCapacity: Int = 150, partialIntervalFrames: Int = 20, languageModelBestPath: Bool = true,
                garbageEntryProbability: Double = 0.5, garbagePhoneProbability: Double = 0.2,
                extraArguments: [String: String] = [:]) {
        self.queueCapacity = queueCapacity
        self.partialIntervalFrames = partialIntervalFrames
        self.languageModelBestPath = languageModelBestPath
        self.garbageEntryProbability = garbageEntryProbability
        self.garbagePhoneProbability = garbagePhoneProbability
        self.extraArguments = extraArguments
    }
}
