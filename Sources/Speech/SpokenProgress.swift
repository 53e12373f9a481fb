/// How much of a spoken text was heard, from its word marks and the number of samples played.
///
/// A word counts as heard once all of its audio was played: its audio runs from its mark to the
/// next word's mark (the last word's to the end of the audio, once that end is known). The
/// heard part is the text up to the first word not fully played, so punctuation and words that
/// espeak merged into one event stay with their neighbours; the remaining part is the rest.
public struct SpokenProgress: Sendable, Equatable {
    /// The text prefix whose audio was fully played (trailing whitespace removed).
    public var heard: Substring
    /// The text from the first word that was not fully played (empty when all was heard).
    public var remaining: Substring

    /// - Parameters:
    ///   - text: the text the marks index into.
    ///   - marks: the word marks, in order.
    ///   - playedSamples: samples of this text's audio already played.
    ///   - totalSamples: the audio's full length when synthesis has finished, else nil.
    public init(text: String, marks: [WordMark], playedSamples: Int, totalSamples: Int?) {
        var cut: String.Index?
        for (index, mark) in marks.enumerated() {
            let end = index + 1 < marks.count ? marks[index + 1].sampleOffset : totalSamples
            guard let end, end <= playedSamples else {
                cut = mark.characterRange.lowerBound
                break
            }
        }
        if marks.isEmpty, totalSamples.map({ playedSamples < $0 }) ?? true {
            // No word events at all: all or nothing.
            cut = text.startIndex
        }
        guard let cut else {
            heard = text[...]
            remaining = text[text.endIndex...]
            return
        }
        var head = text[..<cut]
        while let last = head.last, last.isWhitespace { head.removeLast() }
        heard = head
        remaining = text[cut...]
    }
}
