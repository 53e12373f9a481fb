import Speech
import XCTest

final class SentenceSplitterTests: XCTestCase {
    func testSplitsAtTerminatorsButNotAbbreviationsInitialsOrNumbers() {
        let text = "Hello there, how are you? Dr. Smith will see you at 9.30 today. It costs 3.5 dollars! "
            + "J. R. Tolkien wrote it… Great.\nNext line here"
        XCTAssertEqual(SentenceSplitter.split(text, minimumLength: 1), [
            "Hello there, how are you?", "Dr. Smith will see you at 9.30 today.", "It costs 3.5 dollars!",
            "J. R. Tolkien wrote it…", "Great.", "Next line here",
        ])
    }

    func testShortFragmentsJoinTheNextSentence() {
        XCTAssertEqual(SentenceSplitter.split("Yes. Ok. We open at nine tomorrow.", minimumLength: 12),
                       ["Yes. Ok. We open at nine tomorrow."])
        XCTAssertEqual(SentenceSplitter.split("Sure thing. We open at nine.", minimumLength: 8),
                       ["Sure thing.", "We open at nine."])
    }

    func testStreamingInAnyPiecesGivesTheSameSentences() {
        let text = "First sentence is here. The price is 3.50 today! \"Quoted ending.\" Last one without end"
        let whole = SentenceSplitter.split(text, minimumLength: 1)
        XCTAssertEqual(whole.count, 4)
        for pieceLength in [1, 2, 3, 7, 13] {
            var splitter = SentenceSplitter(minimumLength: 1)
            var sentences: [String] = []
            var index = text.startIndex
            while index < text.endIndex {
                let end = text.index(index, offsetBy: pieceLength, limitedBy: text.endIndex) ?? text.endIndex
                sentences += splitter.append(text[index..<end])
                index = end
            }
            if let rest = splitter.finish() { sentences.append(rest) }
            XCTAssertEqual(sentences, whole, "pieces of \(pieceLength)")
        }
    }

    func testATerminatorAtTheEndOfTheStreamWaitsForMore() {
        var splitter = SentenceSplitter(minimumLength: 1)
        XCTAssertEqual(splitter.append("It costs 3."), [])
        XCTAssertEqual(splitter.append("5 euros. Then"), ["It costs 3.5 euros."])
        XCTAssertEqual(splitter.finish(), "Then")
        XCTAssertNil(splitter.finish())
    }
}
