/// A piece of synthesized audio and the word marks espeak-ng reported alongside it.
public struct SynthesisChunk: Sendable {
    /// PCM at the job's output rate.
    public var samples: [Int16]
    /// Offset of `samples[0]` from the job's first sample.
    public var sampleOffset: Int
    /// Word marks reported with this chunk (their offsets may point slightly past this chunk:
    /// espeak announces a word just before its audio).
    public var marks: [WordMark]

    public init(samples: [Int16], sampleOffset: Int, marks: [WordMark]) {
        self.samples = samples
        self.sampleOffset = sampleOffset
        self.marks = marks
    }
}

/// How a synthesis job ended.
public enum SynthesisCompletion: Sendable, Equatable {
    /// All audio was delivered.
    case completed(totalSamples: Int)
    /// ``SynthesisJob/cancel()`` stopped it; `deliveredSamples` were delivered before that.
    case cancelled(deliveredSamples: Int)
    /// The job could not run (unknown voice, espeak-ng unavailable, synthesis error).
    case failed(SpeechError)
}

/// What a job reports to its handler, in order: audio chunks, then exactly one `finished`.
public enum SynthesisEvent: Sendable {
    case audio(SynthesisChunk)
    case finished(SynthesisCompletion)
}
