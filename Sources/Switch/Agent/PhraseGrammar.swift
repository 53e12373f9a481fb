/// A JSGF grammar from an agent's expected phrases (its intents' examples and keywords), for
/// grammar-mode recognition when the definition names no grammar file.
enum PhraseGrammar {
    static let digitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    /// `public <utterance> = phrase | phrase ...;` with each phrase lower-cased and reduced to
    /// letters, apostrophes and single spaces; empty and repeated phrases are dropped.
    static func jsgf(_ phrases: [String]) -> String {
        var seen = Set<String>()
        var alternatives: [String] = []
        for phrase in phrases {
            let cleaned = phrase.lowercased().map { $0.isLetter || $0 == "'" ? $0 : " " }
            let words = String(cleaned).split(separator: " ").joined(separator: " ")
            guard !words.isEmpty, seen.insert(words).inserted else { continue }
            alternatives.append(words)
        }
        if alternatives.isEmpty { alternatives = digitWords }
        return "#JSGF V1.0;\ngrammar agent;\npublic <utterance> = " + alternatives.joined(separator: " | ") + " ;\n"
    }
}
