import Speech
import XCTest

final class VoiceActivityTests: XCTestCase {
    /// Runs VAD + endpointer over `samples` in 20 ms frames; returns the endpointer's events.
    private func endpoint(_ samples: [Int16], rate: Int = 16000,
                          configuration: SpeechEndpointer.Configuration = .init()) throws -> [SpeechEndpointer.Event] {
        let vad = try VoiceActivityDetector(sampleRate: rate)
        var endpointer = SpeechEndpointer(configuration: configuration)
        var events: [SpeechEndpointer.Event] = []
        for (index, frame) in TestAudio.frames(samples, size: rate / 50).enumerated() {
            let speech = try frame.withUnsafeBufferPointer { try vad.isSpeech($0) }
            if let event = endpointer.process(isSpeech: speech, at: .milliseconds(20 * index), frameDuration: .milliseconds(20)) {
                events.append(event)
            }
        }
        return events
    }

    func testSilenceAndNoiseNeverStartAnUtterance() throws {
        for rate in [8000, 16000] {
            XCTAssertEqual(try endpoint(TestAudio.silence(3000, rate: rate), rate: rate), [], "silence at \(rate)")
            for level in [-50.0, -35.0] {
                let noise = TestAudio.noise(3000, level: level, rate: rate)
                XCTAssertEqual(try endpoint(noise, rate: rate), [], "noise at \(level) dBFS, \(rate) Hz")
            }
        }
    }

    func testSpeechStartsAndEndsAnUtterance() throws {
        for rate in [8000, 16000] {
            let speech = try TestAudio.speech("what are your opening hours", rate: rate).samples
            let samples = TestAudio.silence(1000, rate: rate) + speech + TestAudio.silence(1500, rate: rate)
            let events = try endpoint(samples, rate: rate)
            guard events.count == 2, case .speechStarted(let start) = events[0], case .speechEnded(let end, _) = events[1] else {
                return XCTFail("expected one utterance at \(rate) Hz, got \(events)")
            }
            let speechEnd = Duration.milliseconds(1000 + speech.count * 1000 / rate)
            XCTAssertGreaterThanOrEqual(start, .milliseconds(960), "onset not before the speech at \(rate)")
            XCTAssertLessThan(start, .milliseconds(1300), "onset near the speech start at \(rate)")
            XCTAssertGreaterThan(end, speechEnd - .milliseconds(400), "end near the speech end at \(rate)")
            XCTAssertLessThanOrEqual(end, speechEnd + .milliseconds(100), "end at \(rate)")
        }
    }

    func testWarmupHidesTheLibrarysStartupFlags() throws {
        // Unwrapped, WebRTC VAD calls the first 80–120 ms of noise speech.
        let noise = TestAudio.noise(1000, level: -50)
        for warmup in [Duration.zero, .milliseconds(120)] {
            let vad = try VoiceActivityDetector(sampleRate: 16000, warmup: warmup)
            let flags = try TestAudio.frames(noise).map { frame in try frame.withUnsafeBufferPointer { try vad.isSpeech($0) } }
            if warmup == .zero {
                XCTAssertTrue(flags.prefix(3).allSatisfy { $0 }, "\(flags)")
            } else {
                XCTAssertFalse(flags.contains(true))
            }
            XCTAssertFalse(flags.dropFirst(6).contains(true))
        }
    }

    func testDetectorRejectsFramesOfTheWrongLengthAndRate() throws {
        let vad = try VoiceActivityDetector(sampleRate: 16000, aggressiveness: .veryAggressive)
        XCTAssertTrue(vad.acceptsFrame(count: 160))
        XCTAssertTrue(vad.acceptsFrame(count: 480))
        XCTAssertFalse(vad.acceptsFrame(count: 321))
        let odd = [Int16](repeating: 0, count: 321)
        XCTAssertThrowsError(try odd.withUnsafeBufferPointer { try vad.isSpeech($0) }) {
            XCTAssertEqual($0 as? SpeechError, .invalidFrameLength(component: "voice activity detector", sampleRate: 16000, count: 321))
        }
        XCTAssertThrowsError(try VoiceActivityDetector(sampleRate: 11025))
        for size in [80, 160, 240] {
            let frame = [Int16](repeating: 0, count: size)
            let vad8k = try VoiceActivityDetector(sampleRate: 8000)
            XCTAssertFalse(try frame.withUnsafeBufferPointer { try vad8k.isSpeech($0) })
        }
    }

    func testToneMaskFlagsEveryDTMFKeyAndCallProgressTone() {
        let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]
        let rows = [697.0, 770, 852, 941], columns = [1209.0, 1336, 1477, 1633]
        for rate in [8000, 16000] {
            for (row, low) in rows.enumerated() {
                for (column, high) in columns.enumerated() {
                    // 1.5 % off-nominal, the tolerance a receiver must accept (Q.24).
                    let tone = TestAudio.tones(low * 1.015, high * 0.985, milliseconds: 100, level: -20, rate: rate)
                    let detections = analyze(tone, rate: rate)
                    XCTAssertEqual(detections.dropFirst().filter { $0 == .dtmf(keys[row][column]) }.count,
                                   detections.count - 1, "key \(keys[row][column]) at \(rate) Hz: \(detections)")
                }
            }
            for (low, high) in [(350, 440), (440, 480), (480, 620)] {
                let tone = TestAudio.tones(Double(low), Double(high), milliseconds: 200, level: -15, rate: rate)
                let detections = analyze(tone, rate: rate)
                XCTAssertTrue(detections.dropFirst().allSatisfy { $0 == .callProgress(low: low, high: high) },
                              "\(low)+\(high) at \(rate): \(detections)")
            }
        }
    }

    func testToneMaskLeavesSpeechNoiseAndSingleTonesAlone() throws {
        for voice in ["en-us+klatt", "en-us+f3", "en-us+m3"] {
            let speech = try TestAudio.speech("hello, what are your opening hours on saturday and sunday", voice: voice)
            let flagged = analyze(speech.samples, rate: 16000).compactMap { $0 }
            XCTAssertEqual(flagged, [], "speech (\(voice)) taken for tones")
        }
        XCTAssertEqual(analyze(TestAudio.noise(1000, level: -20), rate: 16000).compactMap { $0 }, [])
        // A lone 1 kHz test tone is not a pair.
        let single = TestAudio.tones(1000, 1000, milliseconds: 200, level: -15)
        XCTAssertEqual(analyze(single, rate: 16000).compactMap { $0 }, [])
    }

    private func analyze(_ samples: [Int16], rate: Int) -> [ToneDetection?] {
        var mask = ToneMask(sampleRate: rate)
        return TestAudio.frames(samples, size: rate / 50).map { frame in frame.withUnsafeBufferPointer { mask.analyze($0) } }
    }

    func testEndpointerGuardsOnsetAndWaitsForTrailingSilence() {
        let configuration = SpeechEndpointer.Configuration(minimumSpeech: .milliseconds(80), trailingSilence: .milliseconds(200),
                                                           maximumUtterance: .seconds(10))
        var endpointer = SpeechEndpointer(configuration: configuration)
        let frame = Duration.milliseconds(20)
        // 60 ms blip, silence, then 80 ms of speech (onset on its 4th frame), a 100 ms pause,
        // more speech, then silence until the end is declared.
        let flags = [1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1] + [Int](repeating: 0, count: 14)
        var events: [(Int, SpeechEndpointer.Event)] = []
        for (index, flag) in flags.enumerated() {
            if let event = endpointer.process(isSpeech: flag == 1, at: frame * index, frameDuration: frame) {
                events.append((index, event))
            }
        }
        XCTAssertEqual(events.map(\.0), [8, 25])
        XCTAssertEqual(events.map(\.1), [.speechStarted(at: frame * 5), .speechEnded(at: frame * 16, duration: frame * 11)])
        XCTAssertFalse(endpointer.isInUtterance)
    }

    func testEndpointerCutsOverlongUtterances() {
        var endpointer = SpeechEndpointer(configuration: .init(minimumSpeech: .milliseconds(40), trailingSilence: .seconds(1),
                                                               maximumUtterance: .milliseconds(200)))
        var events: [SpeechEndpointer.Event] = []
        for index in 0..<30 {
            if let event = endpointer.process(isSpeech: true, at: .milliseconds(20 * index), frameDuration: .milliseconds(20)) {
                events.append(event)
            }
        }
        XCTAssertEqual(events.first, .speechStarted(at: .zero))
        XCTAssertEqual(events.dropFirst().first, .speechEnded(at: .milliseconds(200), duration: .milliseconds(200)))
        // Speech goes on, so a new utterance starts after the cut.
        XCTAssertEqual(events.dropFirst(2).first, .speechStarted(at: .milliseconds(200)))
    }
}
