/// Finds the intent an utterance expresses. Keywords are phrases that must appear word for
/// word (after stemming); examples match when most of their content words are in the
/// utterance. The best score wins; ties go to the intent defined first.
public struct IntentMatcher: Sendable {
    struct Compiled: Sendable {
        var intent: AgentIntent
        var keywordPhrases: [[String]]
        var exampleTerms: [Set<String>]
    }

    let compiled: [Compiled]
    /// Share of an example's content words the utterance must contain.
    public let threshold: Double

    public init(intents: [AgentIntent], threshold: Double = 0.75) {
        self.threshold = threshold
        compiled = intents.map { intent in
            Compiled(intent: intent,
                     keywordPhrases: intent.keywords.map { TextAnalysis.words($0).map(TextAnalysis.stem) }.filter { !$0.isEmpty },
                     exampleTerms: intent.examples.map { Set(TextAnalysis.terms($0)) }.filter { !$0.isEmpty })
        }
    }

    public struct Match: Sendable, Equatable {
        public var intent: AgentIntent
        public var score: Double
    }

    public func match(_ utterance: String) -> Match? {
        let words = TextAnalysis.words(utterance).map(TextAnalysis.stem)
        let terms = Set(TextAnalysis.terms(utterance))
        var best: Match?
        for entry in compiled {
            var score = 0.0
            for phrase in entry.keywordPhrases where Self.contains(words, phrase) {
                // Longer phrases are more specific.
                score = max(score, 1.0 + 0.01 * Double(phrase.count))
            }
            for example in entry.exampleTerms {
                let covered = Double(example.intersection(terms).count) / Double(example.count)
                if covered >= threshold { score = max(score, covered + 0.001 * Double(example.count)) }
            }
            if score > 0, score > (best?.score ?? 0) { best = Match(intent: entry.intent, score: score) }
        }
        return best
    }

    /// The intent a key press selects.
    public func match(digits: String) -> AgentIntent? {
        let keys = digits.uppercased()
        return compiled.first { $0.intent.digits.contains(keys) }?.intent
    }

    private static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard words.count >= phrase.count else { return false }
        for start in 0...(words.count - phrase.count) where Array(words[start..<(start + phrase.count)]) == phrase {
            return true
        }
        return false
    }
}
