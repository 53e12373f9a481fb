import Speech
import XCTest

/// The agent's voice channel on espeak-ng speech and synthetic signals, with a recording fake
/// recognizer: every tick is deterministic (the clock is the frame count).
final class AgentVoiceChannelTests: XCTestCase {
    static let prompt = "thank you for calling, our opening hours are nine to five on weekdays and ten to two on saturday"
    let tick = AgentVoiceChannel.frameDuration

    private func promptSpeech() throws -> SynthesizedSpeech { try TestAudio.speech(Self.prompt) }
    private func callerSpeech(_ text: String = "stop, i have a question") throws -> [Int16] {
        try TestAudio.speech(text, voice: "en-us+m3").samples
    }

    func testBargeInStopsPlaybackOnTheNextTickAndReportsThePlayedWords() throws {
        let channel = try AgentVoiceChannel()
        let recognizer = RecordingRecognizer()
        channel.attach(recognizer)
        let prompt = try promptSpeech()
        channel.queue(prompt, id: 7)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 60)
        let callerStart = driver.tick
        driver.hear(try callerSpeech())

        guard let onsetTick = driver.firstTick(where: { if case .speechStarted = $0 { true } else { false } }),
              case .speechStarted(let onset) = driver.events.first(where: { $0.tick == onsetTick })?.event else {
            return XCTFail("no speech onset: \(driver.eventList)")
        }
        XCTAssertGreaterThanOrEqual(onset, tick * callerStart)
        XCTAssertLessThan(onset, tick * (callerStart + 10), "onset within 200 ms of the caller's first frame")

        // The speak call of the onset tick is already silent, and stays silent.
        XCTAssertTrue(driver.spoke[onsetTick - 1])
        XCTAssertFalse(driver.spoke[onsetTick])
        XCTAssertFalse(driver.spoke[onsetTick...].contains(true))
        // Onset → silence: the guard plus at most one tick. The silent frame is the one that
        // would have played right after the onset tick's audio.
        let silenceStarts = tick * (onsetTick + 1)
        XCTAssertLessThanOrEqual(silenceStarts - onset, AgentVoiceConfiguration().endpointer.minimumSpeech + tick)

        guard let bargeIn = driver.events.first(where: { if case .bargeIn = $0.event { true } else { false } }),
              case .bargeIn(let id, let heard) = bargeIn.event else {
            return XCTFail("no barge-in: \(driver.eventList)")
        }
        XCTAssertEqual(bargeIn.tick, onsetTick)
        XCTAssertEqual(driver.silencedTicks, [onsetTick], "hear reports the barge-in on its tick, once")
        XCTAssertEqual(id, 7)
        let played = driver.playedSamples(through: onsetTick - 1)
        let expected = SpokenProgress(text: prompt.text, marks: prompt.marks, playedSamples: played, totalSamples: prompt.samples.count)
        XCTAssertEqual(heard, String(expected.heard))
        XCTAssertFalse(heard.isEmpty)
        XCTAssertTrue(prompt.text.hasPrefix(heard))
        XCTAssertLessThan(heard.count, prompt.text.count)
        // The words heard are those whose audio ended before the cut.
        let heardWords = heard.split(separator: " ").count
        let lastHeardEnd = prompt.marks[heardWords].sampleOffset
        XCTAssertLessThanOrEqual(lastHeardEnd, played)
        XCTAssertGreaterThan(prompt.marks[heardWords + 1].sampleOffset, played)
        XCTAssertFalse(channel.isSpeaking)
        XCTAssertEqual(channel.statistics.bargeIns, 1)
        XCTAssertEqual(recognizer.calls.first, .begin)
    }

    func testOwnEchoAtLowLevelDoesNotInterrupt() throws {
        let prompt = try promptSpeech()
        for ratio in [0.25, 0] {
            let channel = try AgentVoiceChannel(configuration: AgentVoiceConfiguration(echoSuppressionRatio: ratio))
            channel.queue(prompt, id: 1)
            let driver = ChannelDriver(channel)
            // The caller's phone returns our audio 40 ms later, 20 dB down.
            var echo: [[Int16]] = Array(repeating: [Int16](repeating: 0, count: 320), count: 2)
            for _ in 0..<(prompt.samples.count / 320 + 20) {
                driver.step(hearing: echo.removeFirst())
                echo.append(TestAudio.scaled(driver.output[driver.output.count - 1], by: 0.1))
            }
            let interrupted = driver.eventList.contains { if case .bargeIn = $0 { true } else { false } }
            if ratio > 0 {
                XCTAssertFalse(interrupted, "echo taken for the caller: \(driver.eventList)")
                XCTAssertTrue(driver.eventList.contains(.utteranceFinished(1)))
                XCTAssertEqual(driver.spoke.filter { $0 }.count, (prompt.samples.count + 319) / 320)
            } else {
                // Without the guard the same echo does interrupt: the guard is what prevents it.
                XCTAssertTrue(interrupted, "control: the VAD should hear the unguarded echo")
            }
        }
    }

    func testLouderCallerSpeechStillBargesInOverEcho() throws {
        let prompt = try promptSpeech()
        let channel = try AgentVoiceChannel()
        channel.queue(prompt, id: 1)
        let driver = ChannelDriver(channel)
        var echo: [[Int16]] = Array(repeating: [Int16](repeating: 0, count: 320), count: 2)
        let caller = TestAudio.frames(try callerSpeech())
        for index in 0..<200 {
            var heard = echo.removeFirst()
            if index >= 50, index - 50 < caller.count {
                heard = zip(heard, caller[index - 50]).map { Int16(clamping: Int($0) + Int($1)) }
            }
            driver.step(hearing: heard)
            echo.append(TestAudio.scaled(driver.output[driver.output.count - 1], by: 0.1))
        }
        XCTAssertNotNil(driver.firstTick(where: { if case .bargeIn = $0 { true } else { false } }), "\(driver.eventList)")
    }

    func testCoughBargeInWithoutWordsIsAFalseInterruption() throws {
        let prompt = try promptSpeech()
        let channel = try AgentVoiceChannel()
        let recognizer = RecordingRecognizer()
        channel.attach(recognizer)
        channel.queue(prompt, id: 3)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 50)
        driver.hear(TestAudio.cough(250))
        guard case .bargeIn(3, let heard)? = driver.eventList.first(where: { if case .bargeIn = $0 { true } else { false } })
        else {
            return XCTFail("the cough should interrupt first: \(driver.eventList)")
        }
        // The endpointer closes the utterance after the trailing silence.
        for _ in 0..<60 where !recognizer.calls.contains(.end) { driver.step() }
        XCTAssertEqual(recognizer.calls.filter { $0 == .end }.count, 1)
        XCTAssertFalse(driver.eventList.contains { if case .falseInterruption = $0 { true } else { false } })
        // The recognizer finds no words.
        channel.receive(.final(RecognitionResult(utterance: 1, text: "", confidence: nil, isRejected: false, audioDuration: .zero)))
        driver.step()
        guard case .falseInterruption(3, let remaining)? = driver.eventList.first(where: {
            if case .falseInterruption = $0 { true } else { false }
        }) else {
            return XCTFail("no false interruption: \(driver.eventList)")
        }
        XCTAssertFalse(remaining.isEmpty)
        XCTAssertEqual([heard, remaining].filter { !$0.isEmpty }.joined(separator: " "), prompt.text)
        XCTAssertEqual(channel.statistics.falseInterruptions, 1)
    }

    func testSilentRecognizerTimesOutIntoAFalseInterruption() throws {
        let configuration = AgentVoiceConfiguration(falseInterruptionTimeout: .seconds(1))
        let channel = try AgentVoiceChannel(configuration: configuration)
        channel.attach(RecordingRecognizer())
        channel.queue(try promptSpeech(), id: 4)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 30)
        driver.hear(try callerSpeech())
        driver.run(ticks: 60)
        guard let bargeInTick = driver.firstTick(where: { if case .bargeIn = $0 { true } else { false } }),
              let falseTick = driver.firstTick(where: { if case .falseInterruption = $0 { true } else { false } }) else {
            return XCTFail("\(driver.eventList)")
        }
        // The deadline runs from the end of the onset tick: 1 s = 50 ticks.
        XCTAssertEqual(falseTick - bargeInTick, 50)
    }

    func testWordsBeforeTheDeadlineConfirmTheInterruption() throws {
        let channel = try AgentVoiceChannel(configuration: AgentVoiceConfiguration(falseInterruptionTimeout: .seconds(1)))
        channel.attach(RecordingRecognizer())
        channel.queue(try promptSpeech(), id: 5)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 30)
        let caller = TestAudio.frames(try callerSpeech())
        for (index, frame) in caller.enumerated() {
            if index == 20 { channel.receive(.partial(utterance: 1, text: "stop")) }
            driver.step(hearing: frame)
        }
        channel.receive(.final(RecognitionResult(utterance: 1, text: "stop i have a question", confidence: 0.8,
                                                 isRejected: false, audioDuration: .seconds(1))))
        driver.run(ticks: 100)
        XCTAssertTrue(driver.eventList.contains(.partial("stop")))
        XCTAssertTrue(driver.eventList.contains { if case .bargeIn(5, _) = $0 { true } else { false } })
        XCTAssertFalse(driver.eventList.contains { if case .falseInterruption = $0 { true } else { false } })
        XCTAssertEqual(channel.statistics.falseInterruptions, 0)
    }

    func testCallerUtteranceFlowsThroughTheRecognizerWithPreRoll() throws {
        let channel = try AgentVoiceChannel()
        let recognizer = RecordingRecognizer()
        channel.attach(recognizer)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 20)
        let speech = try TestAudio.speech("what are your opening hours").samples
        driver.hear(speech)
        driver.run(ticks: 50)

        let calls = recognizer.calls
        XCTAssertEqual(calls.first, .begin)
        XCTAssertEqual(calls.last, .end)
        XCTAssertEqual(calls.filter { $0 == .begin }.count, 1)
        XCTAssertEqual(calls.filter { $0 == .end }.count, 1)
        // Pre-roll: the first frames handed over include audio from before the onset was
        // declared (the guard) and are exactly the frames heard, in order.
        let accepted = recognizer.acceptedFrames
        let heardFrames = Array(repeating: [Int16](repeating: 0, count: 320), count: 20) + TestAudio.frames(speech)
        guard let onsetTick = driver.firstTick(where: { if case .speechStarted = $0 { true } else { false } }) else {
            return XCTFail("no onset")
        }
        let preRoll = min(15, onsetTick + 1)
        XCTAssertEqual(Array(accepted.prefix(preRoll)), Array(heardFrames[(onsetTick + 1 - preRoll)...onsetTick]))
        XCTAssertTrue(accepted.prefix(preRoll).contains { frame in frame.contains { $0 != 0 } })

        // Results flow out in order on the next tick.
        channel.receive(.partial(utterance: 1, text: "what are"))
        channel.receive(.final(RecognitionResult(utterance: 1, text: "what are your opening hours", confidence: 0.9,
                                                 isRejected: false, audioDuration: .seconds(2))))
        driver.step()
        let tail = driver.eventList.suffix(2)
        XCTAssertEqual(tail.first, .partial("what are"))
        guard case .final(let result)? = tail.last else { return XCTFail("\(driver.eventList)") }
        XCTAssertEqual(result.text, "what are your opening hours")
        let kinds = driver.eventList.map { event -> String in
            switch event {
            case .speechStarted: "start"
            case .speechEnded: "end"
            case .partial: "partial"
            case .final: "final"
            default: "other"
            }
        }
        XCTAssertEqual(kinds, ["start", "end", "partial", "final"])
    }

    func testTonesAreMaskedAndNeverInterrupt() throws {
        let ringback = TestAudio.tones(440, 480, milliseconds: 2000, level: -12)
        // Control: on its own the VAD does take ringback for speech.
        let vad = try VoiceActivityDetector(sampleRate: 16000)
        let flagged = try TestAudio.frames(ringback).filter { frame in try frame.withUnsafeBufferPointer { try vad.isSpeech($0) } }
        XCTAssertGreaterThan(flagged.count, 10, "the VAD alone flags ringback")

        let channel = try AgentVoiceChannel()
        channel.attach(RecordingRecognizer())
        channel.queue(try promptSpeech(), id: 1)
        let driver = ChannelDriver(channel)
        driver.run(ticks: 10)
        driver.hear(ringback)
        driver.hear(TestAudio.silence(200))
        driver.hear(TestAudio.tones(770, 1336, milliseconds: 120, level: -15))
        driver.run(ticks: 10)
        let masked = driver.eventList.compactMap { event -> ToneDetection? in
            if case .toneMasked(let tone) = event { return tone }
            return nil
        }
        XCTAssertEqual(masked, [.callProgress(low: 440, high: 480), .dtmf("5")])
        XCTAssertFalse(driver.eventList.contains { if case .speechStarted = $0 { true } else { false } })
        XCTAssertFalse(driver.eventList.contains { if case .bargeIn = $0 { true } else { false } })
    }

    func testUtterancesPlayGaplesslyInOrder() throws {
        let first = try TestAudio.speech("first sentence")
        let second = try TestAudio.speech("and the second one")
        let channel = try AgentVoiceChannel()
        channel.queue(first, id: 1)
        channel.enqueue(2, text: second.text)
        let driver = ChannelDriver(channel)
        driver.step()
        // The second utterance's audio arrives late, in pieces.
        for chunk in stride(from: 0, to: second.samples.count, by: 1000) {
            channel.appendAudio(Array(second.samples[chunk..<min(chunk + 1000, second.samples.count)]), to: 2)
        }
        channel.finishAudio(of: 2)
        driver.run(ticks: (first.samples.count + second.samples.count) / 320 + 10)
        XCTAssertEqual(driver.eventList, [.utteranceStarted(1), .utteranceFinished(1), .utteranceStarted(2), .utteranceFinished(2)])
        let audio = zip(driver.output, driver.spoke).filter(\.1).flatMap(\.0)
        let expected = first.samples + second.samples
        XCTAssertEqual(Array(audio.prefix(expected.count)), expected)
        XCTAssertTrue(audio.dropFirst(expected.count).allSatisfy { $0 == 0 })
        XCTAssertFalse(channel.isSpeaking)
    }

    func testStopSpeakingCutsAtOnceAndReportsWhatWasHeard() throws {
        let prompt = try promptSpeech()
        let channel = try AgentVoiceChannel()
        channel.queue(prompt, id: 9)
        channel.enqueue(10, text: "never played")
        let driver = ChannelDriver(channel)
        driver.run(ticks: 70)
        channel.stopSpeaking()
        XCTAssertFalse(driver.step())
        let expected = SpokenProgress(text: prompt.text, marks: prompt.marks, playedSamples: 70 * 320,
                                      totalSamples: prompt.samples.count)
        XCTAssertEqual(driver.eventList.last, .utteranceStopped(9, heard: String(expected.heard)))
        XCTAssertFalse(channel.isSpeaking)
    }

    func testFramesOfTheWrongSizeAreCountedNotTrusted() throws {
        let channel = try AgentVoiceChannel()
        let short = [Int16](repeating: 5000, count: 100)
        short.withUnsafeBufferPointer { channel.hear($0) }
        var out = [Int16](repeating: 7, count: 100)
        XCTAssertFalse(out.withUnsafeMutableBufferPointer { channel.speak(into: $0) })
        XCTAssertEqual(out, [Int16](repeating: 0, count: 100))
        XCTAssertEqual(channel.statistics.invalidFrames, 2)
        XCTAssertEqual(channel.statistics.framesHeard, 0)
        XCTAssertEqual(channel.now, .zero)
    }

    func testAudioForUnknownUtterancesAndOverTheBufferBoundIsDropped() throws {
        let channel = try AgentVoiceChannel(configuration: AgentVoiceConfiguration(maximumBufferedAudio: .milliseconds(100)))
        channel.appendAudio([Int16](repeating: 1, count: 500), to: 42)
        channel.enqueue(1, text: "x")
        channel.appendAudio([Int16](repeating: 1, count: 2000), to: 1)
        XCTAssertEqual(channel.statistics.samplesDropped, 500 + 400)
    }
}
