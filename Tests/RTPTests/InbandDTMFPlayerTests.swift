import RTP
import XCTest

/// The in-band digit player on its own: what it renders is what Parley's own detector hears,
/// presses are separated, and the player is idle exactly when it has nothing left to play.
final class InbandDTMFPlayerTests: XCTestCase {
    private func play(_ player: inout InbandDTMFPlayer, frame: Int, maxFrames: Int = 500) -> (samples: [Int16], frames: Int) {
        var samples: [Int16] = []
        var buffer = [Int16](repeating: 0, count: frame)
        var frames = 0
        while frames < maxFrames {
            let rendered = buffer.withUnsafeMutableBufferPointer { player.render(into: $0) }
            guard rendered else { break }
            samples += buffer
            frames += 1
        }
        return (samples, frames)
    }

    private func detect(_ samples: [Int16], sampleRate: Int) -> String {
        var detector = InbandDTMFDetector(configuration: .init(sampleRate: sampleRate))
        var digits = ""
        let actions = detector.process(samples, timestamp: 0) + detector.finish()
        for case .digit(let digit) in actions { digits.append(digit.digit) }
        return digits
    }

    func testEveryKeyRoundTripsThroughTheDetectorAt8And16kHz() throws {
        for rate in [8000, 16000] {
            var player = InbandDTMFPlayer(configuration: .init(sampleRate: rate))
            try player.enqueue("0123456789*#ABCD", durationMs: 80)
            let (samples, frames) = play(&player, frame: rate / 50)
            XCTAssertEqual(detect(samples, sampleRate: rate), "0123456789*#ABCD", "at \(rate) Hz")
            // 16 × (80 + 60) ms = 2.24 s = 112 frames of 20 ms.
            XCTAssertEqual(frames, 112)
            XCTAssertTrue(player.isIdle)
        }
    }

    func testTheSameKeyTwiceIsTwoPressesAndTheGapIsSilent() throws {
        var player = InbandDTMFPlayer(configuration: .init(sampleRate: 8000, gapMs: 60))
        try player.enqueue("55", durationMs: 100)
        let (samples, _) = play(&player, frame: 160)
        XCTAssertEqual(detect(samples, sampleRate: 8000), "55")
        // The 60 ms after the first press (samples 800..<1280) are digital silence.
        XCTAssertEqual(samples[800..<1280].filter { $0 != 0 }.count, 0)
        XCTAssertGreaterThan(samples[0..<800].map { abs(Int($0)) }.max() ?? 0, 5000)
    }

    func testBadInputIsRefusedWithoutQueueingAnything() {
        var player = InbandDTMFPlayer(configuration: .init(queueLimit: 4))
        XCTAssertThrowsError(try player.enqueue("12x")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .unknownDigit) }
        XCTAssertThrowsError(try player.enqueue("1", durationMs: 0)) { XCTAssertEqual(($0 as? DTMFError)?.kind, .badDuration) }
        XCTAssertThrowsError(try player.enqueue("12345")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .queueFull) }
        XCTAssertTrue(player.isIdle)
        var frame = [Int16](repeating: 7, count: 160)
        XCTAssertFalse(frame.withUnsafeMutableBufferPointer { player.render(into: $0) })
        XCTAssertEqual(frame, [Int16](repeating: 7, count: 160), "an idle player leaves the frame alone")
    }

    func testCancelCutsTheToneAndDropsTheQueue() throws {
        var player = InbandDTMFPlayer(configuration: .init(sampleRate: 8000))
        try player.enqueue("123", durationMs: 200)
        var frame = [Int16](repeating: 0, count: 160)
        _ = frame.withUnsafeMutableBufferPointer { player.render(into: $0) }
        player.cancel()
        XCTAssertEqual(player.queuedCount, 0)
        let (rest, frames) = play(&player, frame: 160)
        XCTAssertEqual(frames, 3, "only the 60 ms gap is left")
        XCTAssertEqual(rest.filter { $0 != 0 }.count, 0)
    }
}
