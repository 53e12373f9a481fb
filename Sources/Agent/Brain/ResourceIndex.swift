import Foundation

/// BM25 keyword search over an agent's resources, one passage per sentence or list item, each
/// tagged with the markdown section it sits in (the heading's words count as its own, so
/// "hours" finds every sentence under "## Opening hours"). Built once per definition version.
public struct ResourceIndex: Sendable {
    public struct Passage: Sendable, Equatable {
        public var resource: String
        public var section: String
        public var text: String
    }

    public struct Hit: Sendable, Equatable {
        public var passage: Passage
        public var score: Double
    }

    public let passages: [Passage]
    private let termCounts: [[String: Int]]
    private let lengths: [Int]
    private let averageLength: Double
    private let documentFrequency: [String: Int]
    /// BM25 parameters (the usual values).
    private let k1 = 1.2
    private let b = 0.75

    public init(resources: [AgentResource]) {
        var passages: [Passage] = []
        for resource in resources {
            passages += Self.passages(of: resource)
        }
        var counts: [[String: Int]] = []
        var frequency: [String: Int] = [:]
        for passage in passages {
            var count: [String: Int] = [:]
            for term in TextAnalysis.terms(passage.text) + TextAnalysis.terms(passage.section) { count[term, default: 0] += 1 }
            for term in count.keys { frequency[term, default: 0] += 1 }
            counts.append(count)
        }
        self.passages = passages
        termCounts = counts
        lengths = counts.map { $0.values.reduce(0, +) }
        averageLength = lengths.isEmpty ? 1 : max(1, Double(lengths.reduce(0, +)) / Double(lengths.count))
        documentFrequency = frequency
    }

    /// The best passages for `query`, best first; only passages sharing a term with it.
    public func search(_ query: String, limit: Int = 3) -> [Hit] {
        let terms = Array(Set(TextAnalysis.terms(query))).sorted()
        guard !terms.isEmpty, !passages.isEmpty else { return [] }
        let total = Double(passages.count)
        var hits: [Hit] = []
        for (index, counts) in termCounts.enumerated() {
            var score = 0.0
            for term in terms {
                guard let frequency = counts[term], let df = documentFrequency[term] else { continue }
                let idf = log(1 + (total - Double(df) + 0.5) / (Double(df) + 0.5))
                let tf = Double(frequency)
                let norm = k1 * (1 - b + b * Double(lengths[index]) / averageLength)
                score += idf * tf * (k1 + 1) / (tf + norm)
            }
            if score > 0 { hits.append(Hit(passage: passages[index], score: score)) }
        }
        // Ties keep file order, so answers are stable.
        let ranked = hits.enumerated().sorted { lhs, rhs in
            lhs.element.score != rhs.element.score ? lhs.element.score > rhs.element.score : lhs.offset < rhs.offset
        }
        return ranked.prefix(max(limit, 0)).map(\.element)
    }

    /// A spoken answer: the best sentence, and the runner-up when it is from the same section
    /// and nearly as good. When the question only names a section ("your hours?"), the
    /// section's first two sentences, in order. Nil when nothing matches.
    public func answer(_ query: String) -> String? {
        let hits = search(query, limit: 2)
        guard let best = hits.first else { return nil }
        let queryTerms = Set(TextAnalysis.terms(query))
        if queryTerms.isDisjoint(with: TextAnalysis.terms(best.passage.text)) {
            let section = passages.filter { $0.resource == best.passage.resource && $0.section == best.passage.section }
            return section.prefix(2).map { Self.spoken($0.text) }.joined(separator: " ")
        }
        var sentences = [best.passage.text]
        if hits.count > 1, hits[1].passage.section == best.passage.section, hits[1].score >= best.score * 0.8 {
            sentences.append(hits[1].passage.text)
        }
        return sentences.map(Self.spoken).joined(separator: " ")
    }

    /// A passage ends in punctuation when spoken.
    private static func spoken(_ text: String) -> String {
        guard let last = text.last, !".!?".contains(last) else { return text }
        return text + "."
    }

    /// Splits a markdown or text file into passages: headings set the section; list items and
    /// table rows are passages of their own; paragraphs are split into sentences.
    static func passages(of resource: AgentResource) -> [Passage] {
        var passages: [Passage] = []
        var section = ""
        var paragraph: [String] = []
        func flushParagraph() {
            let text = paragraph.joined(separator: " ")
            paragraph.removeAll()
            for sentence in SentenceSplitter.split(text) {
                passages.append(Passage(resource: resource.path, section: section, text: sentence))
            }
        }
        for rawLine in resource.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flushParagraph()
            } else if line.hasPrefix("#") {
                flushParagraph()
                section = plain(String(line.drop(while: { $0 == "#" })))
            } else if let item = listItem(line) {
                flushParagraph()
                passages.append(Passage(resource: resource.path, section: section, text: plain(item)))
            } else if line.hasPrefix("|") {
                flushParagraph()
                let cells = line.split(separator: "|").map { plain(String($0)) }.filter { !$0.isEmpty }
                guard !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) else { continue }
                passages.append(Passage(resource: resource.path, section: section, text: cells.joined(separator: ": ")))
            } else {
                paragraph.append(plain(line))
            }
        }
        flushParagraph()
        return passages.filter { !$0.text.isEmpty }
    }

    private static func listItem(_ line: String) -> String? {
        for marker in ["- ", "* ", "+ "] where line.hasPrefix(marker) { return String(line.dropFirst(2)) }
        let digits = line.prefix(while: \.isNumber)
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") {
            return String(line.dropFirst(digits.count + 2))
        }
        return nil
    }

    /// Markdown emphasis, code and links reduced to their words.
    private static func plain(_ text: String) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "[", let close = text[index...].firstIndex(of: "]") {
                out += text[text.index(after: index)..<close]
                index = text.index(after: close)
                if index < text.endIndex, text[index] == "(", let end = text[index...].firstIndex(of: ")") {
                    index = text.index(after: end)
                }
                continue
            }
            if !"*_`".contains(character) { out.append(character) }
            index = text.index(after: index)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
