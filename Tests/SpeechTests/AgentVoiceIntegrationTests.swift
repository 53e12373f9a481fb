import Foundation
import Speech
import XCTest

/// The channel with the real engines: espeak-ng speaking through `say`, pocketsphinx listening.
final class AgentVoiceIntegrationTests: XCTestCase {
    /// Ticks until `predicate` holds for an event, sleeping a little when idle so the engines'
    /// threads get the CPU; the wall-clock bound is for liveness only.
    private func tick(_ driver: ChannelDriver, hearing frames: inout [[Int16]], timeout: TimeInterval = 60,
                      until predicate: (AgentVoiceEvent) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            driver.step(hearing: frames.isEmpty ? nil : frames.removeFirst())
            if driver.eventList.contains(where: predicate) { return true }
            if frames.isEmpty { usleep(2000) }
        }
        return false
    }

    func testCallerBargesInWithAnAnswerTheGrammarRecognises() throws {
        // This driver ticks faster than real time while the engines run at their own pace, so
        // the false-interruption deadline (wall-clock-free, in ticks) is set out of reach here;
        // the deterministic tests cover it.
        let configuration = AgentVoiceConfiguration(falseInterruptionTimeout: .seconds(3600))
        let channel = try AgentVoiceChannel.make(configuration: configuration, recognizer: SpeechRecognizer(),
                                                 mode: .grammar(jsgf: SpeechRecognizerTests.answers))
        let driver = ChannelDriver(channel)
        let job = try channel.say("Would you like to hear our opening hours for the whole week, including the holidays?", id: 1)
        // Let synthesis finish so the fast ticks below never underrun.
        guard case .completed? = job.wait(timeout: .seconds(60)) else { return XCTFail("synthesis did not complete") }
        driver.run(ticks: 50)
        XCTAssertEqual(driver.spoke, Array(repeating: true, count: 50), "gapless playback")
        var frames: [[Int16]] = []
        frames = TestAudio.frames(try TestAudio.speech("yes").samples + TestAudio.silence(1200))
        XCTAssertTrue(tick(driver, hearing: &frames) { if case .final = $0 { true } else { false } }, "\(driver.eventList)")

        let events = driver.eventList
        guard case .bargeIn(1, let heard)? = events.first(where: { if case .bargeIn = $0 { true } else { false } }) else {
            return XCTFail("no barge-in: \(events)")
        }
        // About a second was played before the onset: "Would you like to".
        XCTAssertTrue(heard.hasPrefix("Would you like"), heard)
        guard case .final(let result)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(result.text, "yes")
        XCTAssertFalse(result.isRejected)
        XCTAssertFalse(events.contains { if case .falseInterruption = $0 { true } else { false } })
        XCTAssertFalse(events.contains(.utteranceFinished(1)), "the prompt was cut, not finished")
        XCTAssertFalse(channel.isSpeaking)
    }

    func testLanguageModelChannelStreamsPartialsThenAFinal() throws {
        let channel = try AgentVoiceChannel.make(recognizer: SpeechRecognizer(), mode: .languageModel)
        let driver = ChannelDriver(channel)
        var frames = TestAudio.frames(TestAudio.silence(300) + (try TestAudio.speech("what are your opening hours")).samples
            + TestAudio.silence(1200))
        XCTAssertTrue(tick(driver, hearing: &frames) { if case .final = $0 { true } else { false } }, "\(driver.eventList)")
        let events = driver.eventList
        XCTAssertEqual(events.first.map { if case .speechStarted = $0 { true } else { false } }, true)
        XCTAssertTrue(events.contains { if case .partial = $0 { true } else { false } }, "\(events)")
        guard case .final(let result)? = events.last else { return XCTFail("\(events)") }
        XCTAssertTrue(result.text.contains("opening") && result.text.contains("hours"), result.text)
        XCTAssertEqual(channel.statistics.framesDroppedByRecognizer, 0)
    }

    func testBenchmarkProducesPlausibleFigures() throws {
        // Grammar only: the language-model figures are exercised by `parley bench speech`.
        let report = try SpeechBenchmark.run(SpeechBenchmark.Options(languageModel: false, frames: 300))
        XCTAssertGreaterThan(report.ttsRealTimeFactor, 0)
        XCTAssertLessThan(report.ttsRealTimeFactor, 1, "espeak-ng is far faster than real time")
        XCTAssertGreaterThan(report.grammarCPUPerAudioSecond, 0)
        XCTAssertGreaterThan(report.grammarSessionsPerCore, 1)
        XCTAssertGreaterThan(report.vadMicrosecondsPerFrame, 0)
        XCTAssertGreaterThan(report.toneMaskMicrosecondsPerFrame, 0)
        XCTAssertGreaterThan(report.channelTickMicroseconds, 0)
        XCTAssertNil(report.languageModelCPUPerAudioSecond)
        // Barge-in on synthetic frames: the guard (80 ms) plus at most one tick.
        XCTAssertGreaterThanOrEqual(report.bargeInOnsetToSilenceMs, 80)
        XCTAssertLessThanOrEqual(report.bargeInOnsetToSilenceMs, 100)
        let decoded = try JSONDecoder().decode(SpeechBenchmarkReport.self, from: Data(report.jsonLine.utf8))
        XCTAssertEqual(decoded, report)
        XCTAssertFalse(report.jsonLine.contains("\n"))
    }
}
