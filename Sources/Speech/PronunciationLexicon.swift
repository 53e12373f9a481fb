import Foundation
import Synchronization

/// Looks words up in a pocketsphinx dictionary file (`word PH ON ES`, alternates as `word(2)`).
///
/// Grammar decoders need only the grammar's words. Loading the whole 134,000-word CMU
/// dictionary into each one costs about 25 MB and 100 ms per call; instead the decoder starts
/// with an empty dictionary and gets just its words from here. The file's bytes are read once
/// per process and searched with `strstr` (well under a millisecond per word).
final class PronunciationLexicon: Sendable {
    /// One pronunciation: the dictionary's word form (`no` or `no(2)`) and its phones.
    struct Entry: Equatable {
        var word: String
        var phones: String
    }

    private let bytes: [UInt8]

    private static let loaded = Mutex<[String: PronunciationLexicon]>([:])

    /// The lexicon of the dictionary at `path`, read on first use.
    static func shared(path: String) throws(SpeechError) -> PronunciationLexicon {
        if let lexicon = loaded.withLock({ $0[path] }) { return lexicon }
        guard let data = FileManager.default.contents(atPath: path) else { throw .modelNotFound(path: path) }
        // A leading newline lets every line, the first included, be found as "\n" + word; the
        // trailing NUL makes the buffer a C string for strstr (a stray NUL inside only hides
        // the lines after it).
        let lexicon = PronunciationLexicon(bytes: [0x0A] + Array(data) + [0])
        return loaded.withLock { cache in
            if let existing = cache[path] { return existing }
            cache[path] = lexicon
            return lexicon
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every pronunciation of `word` (base form first), or none when it is not in the file.
    func entries(for word: String) -> [Entry] {
        guard !word.isEmpty, !word.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else { return [] }
        var entries: [Entry] = []
        if let base = lines(after: "\n" + word + " ").first {
            entries.append(Entry(word: word, phones: base.phones))
        }
        for alternate in lines(after: "\n" + word + "(") {
            // The rest of the line is "2) PH ON ES".
            guard let close = alternate.phones.firstIndex(of: ")"),
                  alternate.phones[..<close].allSatisfy(\.isNumber) else { continue }
            let number = alternate.phones[..<close]
            let phones = alternate.phones[alternate.phones.index(after: close)...].trimmingWhitespace()
            entries.append(Entry(word: "\(word)(\(number))", phones: phones))
        }
        return entries.filter { !$0.phones.isEmpty }
    }

    /// The remainders of all lines that start with `prefix` (bounded by the file size).
    private func lines(after prefix: String) -> [(offset: Int, phones: String)] {
        let needle = Array(prefix.utf8CString)
        var found: [(Int, String)] = []
        bytes.withUnsafeBufferPointer { haystack in
            guard let base = haystack.baseAddress, haystack.count > 1 else { return }
            let text = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            var offset = 0
            // A word has at most a handful of alternates; 64 bounds a malformed file.
            for _ in 0..<64 {
                guard offset < haystack.count - 1, let hit = strstr(text + offset, needle) else { break }
                let start = text.distance(to: hit) + needle.count - 1
                var end = start
                while end < haystack.count, haystack[end] != 0x0A { end += 1 }
                var line = String(decoding: UnsafeBufferPointer(rebasing: haystack[start..<end]), as: UTF8.self)
                if let comment = line.firstIndex(of: "#") { line = String(line[..<comment]) }
                found.append((start, line.trimmingWhitespace()))
                offset = end
            }
        }
        return found
    }
}
