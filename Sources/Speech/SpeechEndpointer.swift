/// Decides where utterances start and end from per-frame speech flags (sans-I/O, injected time).
///
/// Feed it one flag per frame with the frame's start time. Speech *onset* needs
/// ``Configuration/minimumSpeech`` of consecutive speech frames (short clicks and coughs shorter
/// than that never start an utterance); the onset is reported when the guard is met, stamped
/// with the time the speech began. The *end* comes after ``Configuration/trailingSilence`` of
/// consecutive non-speech, stamped with the time the silence began, or when an utterance reaches
/// ``Configuration/maximumUtterance``.
public struct SpeechEndpointer: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Consecutive speech needed to declare an onset.
        public var minimumSpeech: Duration
        /// Consecutive non-speech that ends an utterance.
        public var trailingSilence: Duration
        /// An utterance is cut here even if speech continues.
        public var maximumUtterance: Duration

        public init(minimumSpeech: Duration = .milliseconds(80), trailingSilence: Duration = .milliseconds(700),
                    maximumUtterance: Duration = .seconds(20)) {
            self.minimumSpeech = minimumSpeech
            self.trailingSilence = trailingSilence
            self.maximumUtterance = maximumUtterance
        }
    }

    /// What a frame changed.
    public enum Event: Sendable, Equatable {
        /// Speech began at `at` (the first speech frame of the run that met the guard).
        case speechStarted(at: Duration)
        /// The utterance ended at `at` (the first frame of the trailing silence, or the cut).
        case speechEnded(at: Duration, duration: Duration)
    }

    public enum State: Sendable, Equatable {
        /// No utterance; `speechSince` is the start of the current speech run, if any.
        case idle(speechSince: Duration?)
        /// In an utterance since `since`; `silenceSince` is the start of the current silence run.
        case speaking(since: Duration, silenceSince: Duration?)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle(speechSince: nil)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether an utterance is in progress.
    public var isInUtterance: Bool {
        if case .speaking = state { return true }
        return false
    }

    /// Takes the flag of the frame starting at `time` and lasting `frameDuration`.
    public mutating func process(isSpeech: Bool, at time: Duration, frameDuration: Duration) -> Event? {
        let frameEnd = time + frameDuration
        switch state {
        case .idle(let speechSince):
            guard isSpeech else {
                state = .idle(speechSince: nil)
                return nil
            }
            let start = speechSince ?? time
            if frameEnd - start >= configuration.minimumSpeech {
                state = .speaking(since: start, silenceSince: nil)
                return .speechStarted(at: start)
            }
            state = .idle(speechSince: start)
            return nil
        case .speaking(let since, let silenceSince):
            if frameEnd - since >= configuration.maximumUtterance {
                state = .idle(speechSince: nil)
                return .speechEnded(at: frameEnd, duration: frameEnd - since)
            }
            if isSpeech {
                state = .speaking(since: since, silenceSince: nil)
                return nil
            }
            let silenceStart = silenceSince ?? time
            if frameEnd - silenceStart >= configuration.trailingSilence {
                state = .idle(speechSince: nil)
                return .speechEnded(at: silenceStart, duration: silenceStart - since)
            }
            state = .speaking(since: since, silenceSince: silenceStart)
            return nil
        }
    }

    /// Abandons any utterance in progress.
    public mutating func reset() {
        state = .idle(speechSince: nil)
    }
}
