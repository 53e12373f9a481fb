import Logging
import Speech
import XCTest

/// Real pocketsphinx on espeak-ng speech. The language-model decoder is big (~100 MB, ~0.5 s to
/// build), so these tests build only one; grammar decoders are cheaper.
final class SpeechRecognizerTests: XCTestCase {
    static let answers = """
        #JSGF V1.0;
        grammar answers;
        <digit> = zero | one | two | three | four | five | six | seven | eight | nine;
        public <answer> = yes | no | <digit>+;
        """

    func testLanguageModelRecognisesAClearSentenceWithPartialsAndConfidence() throws {
        // espeak's klatt voice through the Debian en-us model; free speech is hard for
        // pocketsphinx (≈28 % WER on real speech), so the phrase is a clear one and the test
        // checks the key words, not the whole string.
        let speech = try TestAudio.speech("what are your opening hours")
        let collector = RecognitionCollector()
        let session = try SpeechRecognizer().makeSession(mode: .languageModel, onEvent: collector.handler)
        let audio = TestAudio.silence(200) + speech.samples + TestAudio.silence(300)
        session.feedUtterance(audio)
        let finals = collector.waitForFinals(1)
        XCTAssertFalse(collector.hasFailure, "\(collector.all)")
        guard let result = finals.first else { return XCTFail("no final") }
        XCTAssertTrue(result.text.contains("opening"), result.text)
        XCTAssertTrue(result.text.contains("hours"), result.text)
        XCTAssertFalse(result.isRejected)
        XCTAssertEqual(result.utterance, 1)
        let confidence = try XCTUnwrap(result.confidence)
        XCTAssertGreaterThan(confidence, 0)
        XCTAssertLessThanOrEqual(confidence, 1)
        let fedFrames = TestAudio.frames(audio).count
        XCTAssertEqual(result.audioDuration, .milliseconds(20 * fedFrames))
        let partials = collector.all.compactMap { event -> String? in
            if case .partial(1, let text) = event { return text }
            return nil
        }
        XCTAssertFalse(partials.isEmpty, "partial hypotheses while streaming")
        guard let readyIndex = collector.all.firstIndex(where: { if case .ready = $0 { return true } else { return false } })
        else { return XCTFail("no ready event") }
        XCTAssertEqual(readyIndex, 0, "ready comes first")
        let statistics = session.statistics
        XCTAssertEqual(statistics.framesDropped, 0)
        XCTAssertEqual(statistics.utterances, 1)
        XCTAssertGreaterThan(statistics.cpuPerAudioSecond, 0)
    }

    func testGrammarRecognisesAnswersAndRejectsOtherSpeech() throws {
        let collector = RecognitionCollector()
        // All utterances are queued at once, faster than real time: make room for them.
        var recognizer = SpeechRecognizer()
        recognizer.tuning.queueCapacity = 10_000
        let session = try recognizer.makeSession(mode: .grammar(jsgf: Self.answers), onEvent: collector.handler)
        let inGrammar = ["yes", "no", "four seven two", "nine one one"]
        let outOfGrammar = ["i would like to speak to someone about my bill", "the weather is lovely today"]
        for text in inGrammar + outOfGrammar {
            session.feedUtterance(TestAudio.silence(100) + (try TestAudio.speech(text)).samples + TestAudio.silence(200))
        }
        let finals = collector.waitForFinals(inGrammar.count + outOfGrammar.count)
        XCTAssertEqual(finals.count, inGrammar.count + outOfGrammar.count, "\(collector.all)")
        XCTAssertEqual(finals.map(\.utterance), Array(1...finals.count))
        for (result, expected) in zip(finals, inGrammar) {
            XCTAssertEqual(result.text, expected)
            XCTAssertFalse(result.isRejected, expected)
        }
        for (result, spoken) in zip(finals.dropFirst(inGrammar.count), outOfGrammar) {
            XCTAssertTrue(result.isRejected, "'\(spoken)' was taken for '\(result.text)'")
            XCTAssertEqual(result.text, "")
        }
    }

    func testEightKilohertzInputIsUpsampled() throws {
        // The only Debian model is 16 kHz. The first utterance of a fresh 8 kHz session is the
        // hard one: without the narrowband cepstral mean (SpeechModel.narrowbandCepstralMean)
        // pocketsphinx starts from the wideband mean and rejects it.
        let speech = try TestAudio.speech("four seven two", rate: 8000)
        let collector = RecognitionCollector()
        let session = try SpeechRecognizer().makeSession(mode: .grammar(jsgf: Self.answers), inputSampleRate: 8000,
                                                          onEvent: collector.handler)
        session.feedUtterance(TestAudio.silence(100, rate: 8000) + speech.samples + TestAudio.silence(200, rate: 8000))
        let result = collector.waitForFinals(1).first
        XCTAssertEqual(result?.text, "four seven two")
        let fedFrames = TestAudio.frames(TestAudio.silence(100, rate: 8000) + speech.samples
            + TestAudio.silence(200, rate: 8000), size: 160).count
        XCTAssertEqual(session.statistics.decodedAudio, .milliseconds(20 * fedFrames))
    }

    func testEndWithoutAudioStillAnswersAndUtterancesCount() throws {
        let collector = RecognitionCollector()
        let session = try SpeechRecognizer().makeSession(mode: .grammar(jsgf: Self.answers), onEvent: collector.handler)
        session.endUtterance()
        session.feedUtterance(try TestAudio.speech("yes").samples)
        let finals = collector.waitForFinals(2)
        XCTAssertEqual(finals.map(\.utterance), [1, 2])
        XCTAssertEqual(finals.map(\.text), ["", "yes"])
    }

    func testBadGrammarsFailOnTheWorker() throws {
        for (grammar, label) in [("this is not jsgf at all", "unparsable"),
                                 ("#JSGF V1.0; grammar g; public <a> = zzqxv ;", "word not in dictionary"),
                                 ("#JSGF V1.0; grammar g; <a> = yes ;", "no public rule")] {
            let collector = RecognitionCollector()
            var quiet = Logger(label: "test")
            quiet.logLevel = .critical
            let session = try SpeechRecognizer(logger: quiet).makeSession(mode: .grammar(jsgf: grammar),
                                                                            onEvent: collector.handler)
            guard case .invalidGrammar? = collector.waitForFailure() else {
                XCTFail("\(label): expected invalidGrammar, got \(collector.all)")
                continue
            }
            // A failed session drops audio instead of queueing it forever.
            let frame = [Int16](repeating: 0, count: 320)
            XCTAssertFalse(frame.withUnsafeBufferPointer { session.accept($0) }, label)
        }
    }

    func testArgumentsThatCanNeverWorkThrowAtOnce() {
        XCTAssertThrowsError(try SpeechRecognizer().makeSession(mode: .languageModel, inputSampleRate: 44100) { _ in }) {
            XCTAssertEqual($0 as? SpeechError, .unsupportedSampleRate(component: "recognizer", sampleRate: 44100))
        }
        var missing = SpeechRecognizer()
        missing.model.dictionary = "/nonexistent/dict"
        XCTAssertThrowsError(try missing.makeSession(mode: .languageModel) { _ in }) {
            XCTAssertEqual($0 as? SpeechError, .modelNotFound(path: "/nonexistent/dict"))
        }
    }

    func testAFullQueueDropsAndCountsFramesInsteadOfBlocking() throws {
        var recognizer = SpeechRecognizer()
        recognizer.tuning.queueCapacity = 10
        let collector = RecognitionCollector()
        let session = try recognizer.makeSession(mode: .grammar(jsgf: Self.answers), onEvent: collector.handler)
        // The decoder takes far longer to build than these 500 frames take to queue.
        let frame = [Int16](repeating: 100, count: 320)
        var accepted = 0
        for _ in 0..<500 where frame.withUnsafeBufferPointer({ session.accept($0) }) { accepted += 1 }
        let statistics = session.statistics
        XCTAssertEqual(statistics.framesAccepted + statistics.framesDropped, 500)
        XCTAssertEqual(statistics.framesAccepted, accepted)
        XCTAssertGreaterThan(statistics.framesDropped, 0)
        // Oversized frames are refused outright.
        let huge = [Int16](repeating: 0, count: 16000)
        XCTAssertFalse(huge.withUnsafeBufferPointer { session.accept($0) })
    }
}
