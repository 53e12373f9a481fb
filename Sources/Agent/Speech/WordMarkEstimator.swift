import Speech

/// Estimated word marks for speech from an engine that reports none (the OpenAI speech API
/// returns audio only).
///
/// The words (runs of non-whitespace) are spread over the voiced part of the audio in
/// proportion to their character counts, each word counting one extra character for the gap
/// after it: a word's mark is where its share of the voiced span begins. This is an estimate,
/// not a measurement: long words spoken fast, numbers read out ("1999") and pauses at commas
/// make real positions differ by a few hundred milliseconds. It errs the way
/// ``SpokenProgress`` tolerates best (a word counts as heard only once the next mark has been
/// played), and it is only available once the whole audio is known, so until then nothing of
/// the text counts as heard.
enum WordMarkEstimator {
    /// - Parameters:
    ///   - text: the spoken text; mark ranges index into it.
    ///   - totalSamples: the audio's length.
    ///   - voiced: the span between the first and last voiced samples, when known; otherwise
    ///     the whole audio is used.
    static func marks(for text: String, totalSamples: Int, voiced: Range<Int>?) -> [WordMark] {
        let words = wordRanges(in: text)
        guard !words.isEmpty, totalSamples > 0 else { return [] }
        var span = voiced ?? 0..<totalSamples
        span = max(0, min(span.lowerBound, totalSamples))..<max(0, min(span.upperBound, totalSamples))
        if span.isEmpty { span = 0..<totalSamples }
        let weights = words.map { text[$0].count + 1 }
        let totalWeight = weights.reduce(0, +)
        var marks: [WordMark] = []
        marks.reserveCapacity(words.count)
        var before = 0
        for (range, weight) in zip(words, weights) {
            let offset = span.lowerBound + span.count * before / totalWeight
            marks.append(WordMark(sampleOffset: offset, characterRange: range))
            before += weight
        }
        return marks
    }

    /// The ranges of the whitespace-separated words of `text`.
    static func wordRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let isSpace = text[index].isWhitespace
            if isSpace, let wordStart = start {
                ranges.append(wordStart..<index)
                start = nil
            } else if !isSpace, start == nil {
                start = index
            }
            index = text.index(after: index)
        }
        if let start { ranges.append(start..<text.endIndex) }
        return ranges
    }
}
