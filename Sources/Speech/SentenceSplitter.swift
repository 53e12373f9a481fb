/// Cuts text into sentences so a reply can be spoken while the rest is still being written.
///
/// Feed it text as it streams in (``append(_:)``) and speak each sentence it returns; call
/// ``finish()`` at the end for whatever is left. A sentence ends at `.`, `!`, `?` or `…` (with
/// any closing quotes or brackets) followed by whitespace, or at a line break. It does not end
/// after common abbreviations (`Dr.`, `e.g.`), single initials (`J. Smith`) or inside numbers
/// (`3.5`, `9.30`); fragments shorter than ``minimumLength`` characters are held and joined to
/// the next sentence so the synthesizer is not asked for one-word clips.
public struct SentenceSplitter: Sendable {
    /// Sentences shorter than this (in characters) wait to be joined with the next one.
    public var minimumLength: Int
    private var buffer = ""

    /// Lower-cased words that take a period without ending a sentence.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e",
        "approx", "dept", "inc", "ltd", "co", "corp", "ave", "rd", "blvd", "fig", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "u.s",
    ]

    public init(minimumLength: Int = 12) {
        self.minimumLength = minimumLength
    }

    /// Adds streamed text; returns the sentences it completed, trimmed, in order.
    public mutating func append(_ text: some StringProtocol) -> [String] {
        buffer += text
        var sentences: [String] = []
        var pendingShort = ""
        while let end = Self.firstBoundary(in: buffer, requireFollower: true) {
            let sentence = String(buffer[..<end]).trimmingWhitespace()
            buffer = String(buffer[end...])
            guard !sentence.isEmpty else { continue }
            let joined = pendingShort.isEmpty ? sentence : pendingShort + " " + sentence
            if joined.count < minimumLength {
                pendingShort = joined
            } else {
                sentences.append(joined)
                pendingShort = ""
            }
        }
        if !pendingShort.isEmpty { buffer = pendingShort + " " + String(buffer.drop(while: \.isWhitespace)) }
        return sentences
    }

    /// Returns whatever text is left (the last sentence, maybe unterminated), or nil.
    public mutating func finish() -> String? {
        let rest = buffer.trimmingWhitespace()
        buffer = ""
        return rest.isEmpty ? nil : rest
    }

    /// Splits a whole text at once.
    public static func split(_ text: String, minimumLength: Int = 12) -> [String] {
        var splitter = SentenceSplitter(minimumLength: minimumLength)
        var sentences = splitter.append(text)
        if let rest = splitter.finish() { sentences.append(rest) }
        return sentences
    }

    /// The index just past the first sentence end in `text`. With `requireFollower`, a
    /// terminator at the very end of the text does not count yet: more text may follow
    /// (`3.` may become `3.5`).
    static func firstBoundary(in text: String, requireFollower: Bool) -> String.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isNewline {
                return text.index(after: index)
            }
            if character == "." || character == "!" || character == "?" || character == "…" {
                var end = text.index(after: index)
                while end < text.endIndex, text[end] == "." || text[end] == "!" || text[end] == "?"
                    || "\"'”’)]".contains(text[end]) {
                    end = text.index(after: end)
                }
                if end == text.endIndex {
                    return requireFollower ? nil : end
                }
                if text[end].isWhitespace, !(character == "." && isNonTerminalPeriod(in: text, at: index)) {
                    return end
                }
                index = end
                continue
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Whether the period at `index` belongs to an abbreviation or an initial.
    private static func isNonTerminalPeriod(in text: String, at index: String.Index) -> Bool {
        var start = index
        while start > text.startIndex {
            let previous = text.index(before: start)
            if text[previous].isWhitespace { break }
            start = previous
        }
        let word = text[start..<index].lowercased().trimmingCharacters(in: "\"'“‘([")
        if word.count == 1, word.first?.isLetter == true { return true }
        return abbreviations.contains(word)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        return String(slice)
    }
}
