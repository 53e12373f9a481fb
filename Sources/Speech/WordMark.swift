/// Where one spoken word starts in synthesized audio, and which characters of the text it speaks.
///
/// espeak-ng reports a word event for each word it speaks, with the audio position and the
/// character span. Marks let a player know exactly which words were played before it stopped
/// (barge-in), see ``SpokenProgress``.
public struct WordMark: Sendable, Equatable {
    /// The word's first sample, counted at the job's output rate from the job's first sample.
    public var sampleOffset: Int
    /// The characters of the job's text this word speaks.
    public var characterRange: Range<String.Index>

    public init(sampleOffset: Int, characterRange: Range<String.Index>) {
        self.sampleOffset = sampleOffset
        self.characterRange = characterRange
    }
}
