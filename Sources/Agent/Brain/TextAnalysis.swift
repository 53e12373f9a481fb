/// Word splitting, stop words and a light suffix stemmer shared by intent matching and BM25
/// search. Deterministic and locale-free: the same text gives the same terms everywhere.
enum TextAnalysis {
    /// Lowercased runs of letters and digits ("What's" gives "what", "s").
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// Words without stop words, stemmed: what a search or an example is about.
    static func terms(_ text: String) -> [String] {
        words(text).filter { !stopWords.contains($0) }.map(stem)
    }

    /// Strips common English inflections so "opening", "opens" and "opened" meet at "open".
    static func stem(_ word: String) -> String {
        var w = word
        guard w.count > 3, w.allSatisfy(\.isLetter) else { return w }
        if w.hasSuffix("ies"), w.count > 4 {
            w = String(w.dropLast(3)) + "y"
        } else if w.hasSuffix("sses") {
            w = String(w.dropLast(2))
        } else if w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") {
            w = String(w.dropLast())
        }
        if w.hasSuffix("ing"), w.count > 5 {
            w = String(w.dropLast(3))
        } else if w.hasSuffix("ed"), w.count > 4 {
            w = String(w.dropLast(2))
        }
        if w.hasSuffix("e"), w.count > 3 {
            w = String(w.dropLast())
        }
        return w
    }

    static let stopWords: Set<String> = [
        "a", "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
        "could", "d", "did", "do", "does", "doing", "don", "for", "from", "get", "got", "had", "has", "have", "having",
        "he", "her", "here", "hi", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "know",
        "let", "like", "ll", "m", "me", "much", "my", "need", "of", "oh", "ok", "okay", "on", "or", "our", "please",
        "re", "s", "say", "she", "should", "so", "some", "t", "tell", "than", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "those", "to", "um", "uh", "up", "us", "ve", "very", "want", "was", "we",
        "well", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "yes", "you",
        "your", "yours",
    ]
}

/// Splits text into sentences for speaking one at a time: a sentence ends at `.`, `!` or `?`
/// followed by a space and a capital, a digit or a quote, or at the end. Decimal points and
/// lower-case continuations ("9 a.m. to 5 p.m.") do not split. (Internal: the Speech module
/// has its own streaming splitter for text to speech.)
enum SentenceSplitter {
    static func split(_ text: String) -> [String] {
        let characters = Array(text)
        var sentences: [String] = []
        var current = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            current.append(character)
            index += 1
            guard ".!?\n".contains(character) else { continue }
            if character == "\n" {
                flush(&current, into: &sentences)
                continue
            }
            // Absorb closing quotes and repeated marks ("Really?!").
            while index < characters.count, "!?.\"')”’".contains(characters[index]) {
                current.append(characters[index])
                index += 1
            }
            guard index < characters.count else { break }
            guard characters[index].isWhitespace else { continue }
            var look = index
            while look < characters.count, characters[look].isWhitespace { look += 1 }
            guard look < characters.count else { break }
            let next = characters[look]
            if next.isUppercase || next.isNumber || "\"'“‘(".contains(next) {
                flush(&current, into: &sentences)
                index = look
            }
        }
        flush(&current, into: &sentences)
        return sentences
    }

    private static func flush(_ current: inout String, into sentences: inout [String]) {
        let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { sentences.append(trimmed) }
        current = ""
    }
}
