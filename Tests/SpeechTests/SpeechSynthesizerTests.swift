import Dispatch
import Speech
import Synchronization
import XCTest

final class SpeechSynthesizerTests: XCTestCase {
    func testEachRateProducesSpeechWithWordMarksCoveringTheText() throws {
        let text = "what are your opening hours"
        var lengths: [Int: Int] = [:]
        for rate in [8000, 16000, 48000] {
            let speech = try SpeechSynthesizer.shared.synthesizeAll(text, options: SynthesisOptions(sampleRate: rate))
            XCTAssertEqual(speech.sampleRate, rate)
            let seconds = Double(speech.samples.count) / Double(rate)
            XCTAssertGreaterThan(seconds, 0.8, "rate \(rate)")
            XCTAssertLessThan(seconds, 4, "rate \(rate)")
            XCTAssertGreaterThan(speech.samples.map { abs(Int($0)) }.max() ?? 0, 3000, "audible at \(rate)")
            XCTAssertEqual(speech.marks.map { String(text[$0.characterRange]) }, ["what", "are", "your", "opening", "hours"])
            let offsets = speech.marks.map(\.sampleOffset)
            XCTAssertEqual(offsets, offsets.sorted(), "monotonic at \(rate)")
            XCTAssertEqual(Set(offsets).count, offsets.count, "strictly increasing at \(rate)")
            XCTAssertLessThan(offsets.last ?? .max, speech.samples.count)
            lengths[rate] = speech.samples.count
        }
        // Output length follows the rate (espeak varies by about 0.3 % run to run).
        let ratio = Double(lengths[48000] ?? 0) / Double(lengths[16000] ?? 1)
        XCTAssertEqual(ratio, 3, accuracy: 0.05)
    }

    func testMarksStayMonotonicForNumbersAndAccents() throws {
        let text = "Café déjà vu opens at 9:30, ok? Dr. Smith said 3.5 percent."
        let speech = try SpeechSynthesizer.shared.synthesizeAll(text)
        XCTAssertGreaterThan(speech.marks.count, 6)
        for (earlier, later) in zip(speech.marks, speech.marks.dropFirst()) {
            XCTAssertLessThan(earlier.sampleOffset, later.sampleOffset)
            XCTAssertLessThanOrEqual(earlier.characterRange.upperBound, later.characterRange.lowerBound)
        }
        XCTAssertEqual(speech.marks.first.map { String(text[$0.characterRange]) }, "Café")
        XCTAssertEqual(speech.marks.last.map { String(text[$0.characterRange]) }, "percent")
    }

    func testCancelMidSentenceStopsOutputPromptly() throws {
        let text = String(repeating: "This sentence is long enough to take a few seconds of speech. ", count: 6)
        let full = try SpeechSynthesizer.shared.synthesizeAll(text)
        let chunksAfterCancel = Mutex(0)
        let cancelled = Atomic<Bool>(false)
        let delivered = Mutex(0)
        let jobBox = Mutex<SynthesisJob?>(nil)
        let job = try SpeechSynthesizer.shared.synthesize(text) { event in
            guard case .audio(let chunk) = event else { return }
            if cancelled.load(ordering: .relaxed) { chunksAfterCancel.withLock { $0 += 1 } }
            let total = delivered.withLock { count -> Int in
                count += chunk.samples.count
                return count
            }
            if total > 16000, !cancelled.load(ordering: .relaxed) {
                cancelled.store(true, ordering: .relaxed)
                jobBox.withLock { $0?.cancel() }
            }
        }
        jobBox.withLock { $0 = job }
        // The handler may run before the job is stored; cancelling here too is harmless.
        let completion = job.wait(timeout: .seconds(30))
        guard case .cancelled(let deliveredSamples)? = completion else {
            // Lost the race: the whole job ran before the box held it. Cancel must still be honoured
            // by a job that has not started, which the next test checks; here, fail loudly.
            return XCTFail("expected cancelled, got \(String(describing: completion))")
        }
        XCTAssertTrue(job.isCancelled)
        XCTAssertEqual(chunksAfterCancel.withLock { $0 }, 0, "no audio after the handler cancelled")
        XCTAssertLessThan(deliveredSamples, full.samples.count / 2)
        XCTAssertEqual(deliveredSamples, delivered.withLock { $0 })

        // The worker moved on: a later job completes.
        let after = try SpeechSynthesizer.shared.synthesizeAll("still working")
        XCTAssertFalse(after.samples.isEmpty)
    }

    func testJobCancelledBeforeItStartsNeverProducesAudio() throws {
        let gate = DispatchSemaphore(value: 0)
        let blocker = try SpeechSynthesizer.shared.synthesize("hold on") { event in
            if case .finished = event { gate.wait() }
        }
        let audio = Mutex(0)
        let victim = try SpeechSynthesizer.shared.synthesize("this never plays") { event in
            if case .audio = event { audio.withLock { $0 += 1 } }
        }
        victim.cancel()
        gate.signal()
        XCTAssertNotNil(blocker.wait(timeout: .seconds(30)))
        XCTAssertEqual(victim.wait(timeout: .seconds(30)), .cancelled(deliveredSamples: 0))
        XCTAssertEqual(audio.withLock { $0 }, 0)
    }

    func testConcurrentRequestsSerializeWithoutInterleaving() throws {
        struct Entry: Sendable {
            var job: UInt64
            var finished: Bool
        }
        let log = Mutex<[Entry]>([])
        let jobs = Mutex<[SynthesisJob]>([])
        let texts = ["one two three four", "the quick brown fox", "jumps over the lazy dog", "good morning to you",
                     "five six seven", "how are you today"]
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            let idBox = Mutex<UInt64>(0)
            guard let job = try? SpeechSynthesizer.shared.synthesize(texts[index], onEvent: { event in
                let id = idBox.withLock { $0 }
                switch event {
                case .audio: log.withLock { $0.append(Entry(job: id, finished: false)) }
                case .finished: log.withLock { $0.append(Entry(job: id, finished: true)) }
                }
            }) else { return }
            idBox.withLock { $0 = job.id }
            jobs.withLock { $0.append(job) }
        }
        let all = jobs.withLock { $0 }
        XCTAssertEqual(all.count, texts.count)
        for job in all {
            guard case .completed(let total)? = job.wait(timeout: .seconds(60)) else {
                return XCTFail("job \(job.id) did not complete")
            }
            XCTAssertGreaterThan(total, 4000)
        }
        // Each job's events form one contiguous run ending with its `finished`: nothing interleaves.
        // (An id of 0 means the handler ran before the id was stored; such events are skipped.)
        let entries = log.withLock { $0 }.filter { $0.job != 0 }
        var finished: Set<UInt64> = []
        var current: UInt64?
        for entry in entries {
            XCTAssertFalse(finished.contains(entry.job), "job \(entry.job) produced output after finishing")
            if let current, current != entry.job {
                XCTAssertTrue(finished.contains(current), "job \(entry.job) interleaved with \(current)")
            }
            current = entry.job
            if entry.finished { finished.insert(entry.job) }
        }
    }

    func testEmptyTextCompletesWithoutMarks() throws {
        let speech = try SpeechSynthesizer.shared.synthesizeAll("")
        XCTAssertEqual(speech.marks, [])
        XCTAssertLessThan(speech.samples.count, 16000 / 2, "at most a pause")
    }

    func testUnknownVoiceFailsAndBadArgumentsThrow() throws {
        let job = try SpeechSynthesizer.shared.synthesize("hello", voice: "no-such-voice-xyz") { _ in }
        XCTAssertEqual(job.wait(timeout: .seconds(30)), .failed(.unknownVoice(name: "no-such-voice-xyz")))
        XCTAssertThrowsError(try SpeechSynthesizer.shared.synthesize("hello", sampleRate: 44100) { _ in }) { error in
            XCTAssertEqual(error as? SpeechError, .unsupportedSampleRate(component: "synthesizer", sampleRate: 44100))
        }
        XCTAssertThrowsError(try SpeechSynthesizer.shared.synthesize(
            "hello", options: SynthesisOptions(wordsPerMinute: 20)) { _ in })
        // The default voice still works after a failed one.
        XCTAssertFalse(try SpeechSynthesizer.shared.synthesizeAll("hello").samples.isEmpty)
    }
}
