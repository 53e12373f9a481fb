/// What a recognizer session listens for.
public enum RecognitionMode: Sendable, Equatable {
    /// Only the sentences of a JSGF grammar (yes/no, digits, menu words): fast (about 0.02× real
    /// time), small, accurate on clear speech. Speech outside the grammar is rejected (see
    /// ``RecognitionResult/isRejected``) by a garbage phone loop that competes with it.
    case grammar(jsgf: String)
    /// Free speech with the model's n-gram language model: about 0.15–0.7× real time and
    /// ~100 MB per decoder; word error rate is high (~28 % on real 16 kHz speech).
    case languageModel
}
