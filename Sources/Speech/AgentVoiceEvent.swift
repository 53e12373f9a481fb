/// What the agent's voice channel reports to its host (drained with
/// ``AgentVoiceChannel/drainEvents()``). Times are on the channel's clock: audio heard so far.
public enum AgentVoiceEvent: Sendable, Equatable {
    /// The caller started speaking (the onset passed the minimum-speech guard); `at` is when the
    /// speech began.
    case speechStarted(at: Duration)
    /// The caller stopped speaking (trailing silence reached); `at` is when the silence began.
    case speechEnded(at: Duration)
    /// The recognizer's best guess so far for the caller's current utterance.
    case partial(String)
    /// The recognizer's result for an utterance of the caller.
    case final(RecognitionResult)
    /// The caller spoke over the agent: its audio stopped and every queued utterance was
    /// dropped. `heard` is the text of `utterance` whose audio was fully played.
    case bargeIn(UtteranceID, heard: String)
    /// The barge-in produced no words (a cough, a door, a rejected utterance) within
    /// ``AgentVoiceConfiguration/falseInterruptionTimeout``; `remaining` is what was not played
    /// (the interrupted utterance's rest, then the dropped ones'), for the host to resume.
    case falseInterruption(UtteranceID, remaining: String)
    /// The first audio of an utterance went out.
    case utteranceStarted(UtteranceID)
    /// All of an utterance's audio went out.
    case utteranceFinished(UtteranceID)
    /// ``AgentVoiceChannel/stopSpeaking()`` cut an utterance; `heard` as for `bargeIn`.
    case utteranceStopped(UtteranceID, heard: String)
    /// A DTMF or call-progress tone started; its frames are not treated as speech.
    case toneMasked(ToneDetection)
    /// The recognizer failed; the channel keeps playing but hears no words.
    case recognizerFailed(SpeechError)
}
