import Speech
import XCTest

final class SpokenProgressTests: XCTestCase {
    private let text = "Our hours are nine to five."

    private func marks() -> [WordMark] {
        // Words start at 0, 1000, 2000, ... samples.
        var marks: [WordMark] = []
        var offset = 0
        var searchStart = text.startIndex
        for word in ["Our", "hours", "are", "nine", "to", "five"] {
            guard let range = text.range(of: word, range: searchStart..<text.endIndex) else { continue }
            marks.append(WordMark(sampleOffset: offset, characterRange: range))
            searchStart = range.upperBound
            offset += 1000
        }
        return marks
    }

    func testHeardStopsBeforeTheFirstWordNotFullyPlayed() {
        let progress = SpokenProgress(text: text, marks: marks(), playedSamples: 2500, totalSamples: nil)
        XCTAssertEqual(progress.heard, "Our hours")
        XCTAssertEqual(progress.remaining, "are nine to five.")
        let exact = SpokenProgress(text: text, marks: marks(), playedSamples: 3000, totalSamples: nil)
        XCTAssertEqual(exact.heard, "Our hours are")
    }

    func testTheLastWordNeedsTheEndOfTheAudio() {
        let open = SpokenProgress(text: text, marks: marks(), playedSamples: 9000, totalSamples: nil)
        XCTAssertEqual(open.heard, "Our hours are nine to")
        let done = SpokenProgress(text: text, marks: marks(), playedSamples: 6400, totalSamples: 6400)
        XCTAssertEqual(done.heard, "Our hours are nine to five.")
        XCTAssertEqual(done.remaining, "")
    }

    func testNothingPlayedOrNoMarks() {
        XCTAssertEqual(SpokenProgress(text: text, marks: marks(), playedSamples: 0, totalSamples: nil).heard, "")
        XCTAssertEqual(SpokenProgress(text: text, marks: [], playedSamples: 10, totalSamples: 100).remaining[...], text[...])
        XCTAssertEqual(SpokenProgress(text: text, marks: [], playedSamples: 100, totalSamples: 100).heard[...], text[...])
    }
}
