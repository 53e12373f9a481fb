import Speech
@testable import Switch
import XCTest

/// The speech-engine latencies an agent call reports, from voice-channel events at known
/// instants.
final class SpeechLatencyClockTests: XCTestCase {
    private let zero = ContinuousClock.now

    private func at(_ milliseconds: Int) -> ContinuousClock.Instant { zero + .milliseconds(milliseconds) }

    private func final(_ text: String) -> AgentVoiceEvent {
        .final(RecognitionResult(utterance: 1, text: text, confidence: nil, isRejected: false, audioDuration: .seconds(1)))
    }

    func testSpeechToTextRunsFromTheEndOfSpeechToTheFinalResult() {
        var clock = SpeechLatencyClock()
        XCTAssertNil(clock.observe(.speechStarted(at: .zero), at: at(0)))
        XCTAssertNil(clock.observe(.speechEnded(at: .seconds(1)), at: at(1000)))
        XCTAssertNil(clock.observe(.partial("hello"), at: at(1100)))
        XCTAssertEqual(clock.observe(final("hello there"), at: at(1350)), .sttLatency(seconds: 0.35))
        // A final without an end of speech before it (already counted) is not timed again.
        XCTAssertNil(clock.observe(final("again"), at: at(1400)))
    }

    func testTextToSpeechCountsOnlySentencesAskedForWhileNothingWasQueued() {
        var clock = SpeechLatencyClock()
        clock.requested(1, at: at(0), idle: true)
        clock.requested(2, at: at(10), idle: false)
        XCTAssertEqual(clock.observe(.utteranceStarted(UtteranceID(1)), at: at(120)), .ttsLatency(seconds: 0.12))
        XCTAssertNil(clock.observe(.utteranceStarted(UtteranceID(2)), at: at(2000)), "a queued sentence waited for the first")
        // A sentence cut before its audio started is forgotten.
        clock.requested(3, at: at(3000), idle: true)
        XCTAssertNil(clock.observe(.utteranceStopped(UtteranceID(3), heard: ""), at: at(3010)))
        XCTAssertNil(clock.observe(.utteranceStarted(UtteranceID(3)), at: at(3500)))
    }
}
