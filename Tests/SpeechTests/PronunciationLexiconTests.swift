@testable import Speech
import XCTest

final class PronunciationLexiconTests: XCTestCase {
    func testFindsBaseFormsAndAlternatesAndNothingElse() {
        let dictionary = "'bout B AW T\nread R EH D\nread(2) R IY D\nreader R IY D ER\nyes Y EH S # comment\nno N OW\n"
        let lexicon = PronunciationLexicon(bytes: [0x0A] + Array(dictionary.utf8) + [0])
        XCTAssertEqual(lexicon.entries(for: "read"), [.init(word: "read", phones: "R EH D"), .init(word: "read(2)", phones: "R IY D")])
        XCTAssertEqual(lexicon.entries(for: "'bout"), [.init(word: "'bout", phones: "B AW T")])
        XCTAssertEqual(lexicon.entries(for: "yes"), [.init(word: "yes", phones: "Y EH S")])
        XCTAssertEqual(lexicon.entries(for: "rea"), [], "prefixes of words do not match")
        XCTAssertEqual(lexicon.entries(for: "o"), [])
        XCTAssertEqual(lexicon.entries(for: "no N"), [], "no whitespace in words")
        XCTAssertEqual(lexicon.entries(for: ""), [])
    }

    func testTheDebianDictionaryHasTheGrammarWords() throws {
        let lexicon = try PronunciationLexicon.shared(path: SpeechModel.debianEnUS.dictionary)
        XCTAssertTrue(lexicon === (try PronunciationLexicon.shared(path: SpeechModel.debianEnUS.dictionary)), "read once")
        XCTAssertEqual(lexicon.entries(for: "yes").map(\.phones), ["Y EH S"])
        XCTAssertEqual(lexicon.entries(for: "the").count, 2)
        XCTAssertThrowsError(try PronunciationLexicon.shared(path: "/nonexistent.dict"))
    }
}
