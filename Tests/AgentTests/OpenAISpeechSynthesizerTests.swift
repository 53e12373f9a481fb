@testable import Agent
import AsyncHTTPClient
import Codecs
import ParleyTesting
import Speech
import XCTest

/// The OpenAI-compatible speech synthesizer against a real HTTP server on 127.0.0.1 that
/// streams PCM (or WAV) bodies in timed pieces.
final class OpenAISpeechSynthesizerTests: XCTestCase {
    private var server: ScriptedHTTPServer!
    private var client: HTTPClient!
    private let path = "/v1/audio/speech"

    override func setUp() async throws {
        server = try ScriptedHTTPServer()
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    override func tearDown() async throws {
        server.releaseHeldStreams()
        try await client.shutdown()
        server.stop()
    }

    private func synthesizer(options: OpenAISpeechSynthesizer.Options = OpenAISpeechSynthesizer.Options())
    throws -> OpenAISpeechSynthesizer {
        let endpoint = OpenAIEndpoint(baseURL: server.baseURL + "/v1", model: "tts-test",
                                      apiKey: .literal("sk-tts-test"), timeout: .seconds(10))
        return try OpenAISpeechSynthesizer(endpoint: endpoint, apiKey: "sk-tts-test", http: AgentHTTPClient(client: client),
                                           voice: "nova", options: options)
    }

    /// 1.2 s at 24 kHz: 0.2 s silence, 0.8 s of 440 Hz, 0.2 s silence.
    private let speech24k = TestAudio.silence(sampleRate: 24000, seconds: 0.2)
        + TestAudio.tone(440, sampleRate: 24000, seconds: 0.8)
        + TestAudio.silence(sampleRate: 24000, seconds: 0.2)

    private struct Collected {
        var chunks: [SynthesisChunk] = []
        var completion: SynthesisCompletion?
        var samples: [Int16] { chunks.flatMap(\.samples) }
        var marks: [WordMark] { chunks.flatMap(\.marks) }
    }

    private func collect(_ log: EventLog<SynthesisEvent>) -> Collected {
        var collected = Collected()
        for event in log.all {
            switch event {
            case .audio(let chunk): collected.chunks.append(chunk)
            case .finished(let completion): collected.completion = completion
            }
        }
        return collected
    }

    private func audioCount(_ events: [SynthesisEvent]) -> Int {
        events.filter { if case .audio = $0 { return true } else { return false } }.count
    }

    func testStreamedPCMIsDeliveredInPiecesBeforeTheBodyEnds() async throws {
        let pieces = TestAudio.pieces(TestAudio.bytes(speech24k), count: 6)
        server.enqueue(.stream(status: 200, chunks: pieces, interval: .milliseconds(20), contentType: "audio/pcm",
                               holdLast: true), for: path)
        let log = EventLog<SynthesisEvent>()
        let job = try synthesizer().synthesize("Hello there.", sampleRate: 16000) { log.append($0) }

        // The server holds the last piece: audio must already be flowing without it.
        let flowing = await log.wait { self.audioCount($0) >= 3 }
        XCTAssertTrue(flowing, "audio before the body ended: \(audioCount(log.all)) chunks")
        XCTAssertNil(job.completion, "the job cannot have finished while the body is held open")
        XCTAssertNotNil(job.timeToFirstAudio)
        server.releaseHeldStreams()

        let completion = await job.result()
        let collected = collect(log)
        XCTAssertEqual(completion, .completed(totalSamples: 19200))
        XCTAssertEqual(collected.completion, completion, "finished is the last event")
        guard case .finished? = log.all.last else { return XCTFail("finished must come last") }
        XCTAssertEqual(collected.samples.count, 19200, "24 kHz → 16 kHz: exactly two thirds")
        var offset = 0
        for chunk in collected.chunks {
            XCTAssertEqual(chunk.sampleOffset, offset, "chunks are contiguous")
            offset += chunk.samples.count
        }
        // The tone survives resampling: 0.8 s of 440 Hz has about 704 zero crossings.
        let crossings = TestAudio.zeroCrossings(collected.samples[3200..<16000])
        XCTAssertEqual(Double(crossings), 704, accuracy: 10)

        let request = try XCTUnwrap(server.requests(to: path).first)
        XCTAssertEqual(request.header("authorization"), "Bearer sk-tts-test")
        let body = try XCTUnwrap(request.json)
        XCTAssertEqual(body["model"] as? String, "tts-test")
        XCTAssertEqual(body["input"] as? String, "Hello there.")
        XCTAssertEqual(body["voice"] as? String, "nova")
        XCTAssertEqual(body["response_format"] as? String, "pcm")
    }

    func testEveryOutputRateGetsTheExactLength() async throws {
        let synthesizer = try synthesizer()
        for rate in [8000, 16000, 48000] {
            server.enqueue(.bytes(status: 200, body: TestAudio.bytes(speech24k), contentType: "audio/pcm"), for: path)
            let log = EventLog<SynthesisEvent>()
            let job = try synthesizer.synthesize("Testing rates.", voice: "alloy", sampleRate: rate) { log.append($0) }
            let completion = await job.result()
            let expected = speech24k.count * rate / 24000
            XCTAssertEqual(completion, .completed(totalSamples: expected), "\(rate) Hz")
            XCTAssertEqual(collect(log).samples.count, expected, "\(rate) Hz")
        }
        XCTAssertEqual(server.requests(to: path).compactMap { $0.json?["voice"] as? String }, ["alloy", "alloy", "alloy"])
    }

    func testWordMarksAreSpreadOverTheVoicedAudio() async throws {
        server.enqueue(.stream(status: 200, chunks: TestAudio.pieces(TestAudio.bytes(speech24k), count: 4),
                               interval: .milliseconds(10), contentType: "audio/pcm"), for: path)
        let text = "Hello there, this is Parley speaking."
        let log = EventLog<SynthesisEvent>()
        let job = try synthesizer().synthesize(text, sampleRate: 16000) { log.append($0) }
        _ = await job.result()
        let collected = collect(log)
        let marks = collected.marks
        XCTAssertEqual(marks.map { String(text[$0.characterRange]) }, ["Hello", "there,", "this", "is", "Parley", "speaking."])
        XCTAssertEqual(marks.map(\.sampleOffset), marks.map(\.sampleOffset).sorted(), "marks are in order")
        // Voiced audio runs from 0.2 s to 1.0 s (3200..<16000 at 16 kHz), give or take filter ringing.
        let first = try XCTUnwrap(marks.first).sampleOffset
        XCTAssertEqual(Double(first), 3200, accuracy: 40)
        // Each word starts where its share of the characters (plus one per gap) begins.
        let weights = [6, 7, 5, 3, 7, 10]
        let total = Double(weights.reduce(0, +))
        var before = 0
        for (mark, weight) in zip(marks, weights) {
            XCTAssertEqual(Double(mark.sampleOffset), 3200 + 12800 * Double(before) / total, accuracy: 60)
            before += weight
        }
        // Only the last chunk carries marks (the estimate needs the whole audio).
        XCTAssertEqual(collected.chunks.dropLast().flatMap(\.marks).count, 0)

        // What the voice channel computes from them.
        let progress = SpokenProgress(text: text, marks: marks, playedSamples: marks[3].sampleOffset,
                                      totalSamples: collected.samples.count)
        XCTAssertEqual(progress.heard, "Hello there, this")
        XCTAssertEqual(progress.remaining, "is Parley speaking.")
        let all = SpokenProgress(text: text, marks: marks, playedSamples: collected.samples.count,
                                 totalSamples: collected.samples.count)
        XCTAssertEqual(String(all.heard), text)
    }

    func testCancellingStopsDeliveryAndClosesTheStream() async throws {
        let pieces = TestAudio.pieces(TestAudio.bytes(speech24k + speech24k), count: 40)
        server.enqueue(.stream(status: 200, chunks: pieces, interval: .milliseconds(50), contentType: "audio/pcm"),
                       for: path)
        let log = EventLog<SynthesisEvent>()
        let job = try synthesizer().synthesize("A long sentence that will be cut.", sampleRate: 16000) { log.append($0) }
        let started = await log.wait { self.audioCount($0) >= 1 }
        XCTAssertTrue(started)
        job.cancel()
        let completion = await job.result()
        let afterCancel = log.all.count
        guard case .cancelled(let delivered) = completion else { return XCTFail("expected cancelled, got \(completion)") }
        let collected = collect(log)
        XCTAssertEqual(collected.samples.count, delivered)
        XCTAssertLessThan(delivered, (speech24k.count * 2) * 2 / 3, "not all of the audio")
        XCTAssertEqual(collected.completion, completion)
        XCTAssertTrue(collected.marks.isEmpty, "no marks for audio never completed")
        // The server notices the closed connection at its next piece.
        let closed = await pollUntil { self.server.abandonedStreams == 1 }
        XCTAssertTrue(closed, "the HTTP stream was closed")
        XCTAssertEqual(log.all.count, afterCancel, "nothing is delivered after finished")
    }

    func testCancelBeforeTheAnswerEndsWithNoAudio() async throws {
        server.enqueue(.delayed(.seconds(5), .bytes(status: 200, body: TestAudio.bytes(speech24k), contentType: "audio/pcm")),
                       for: path)
        let log = EventLog<SynthesisEvent>()
        let job = try synthesizer().synthesize("Never heard.", sampleRate: 8000) { log.append($0) }
        let sent = await pollUntil { self.server.requests(to: self.path).count == 1 }
        XCTAssertTrue(sent)
        job.cancel()
        let completion = await job.result()
        XCTAssertEqual(completion, .cancelled(deliveredSamples: 0))
        XCTAssertEqual(audioCount(log.all), 0)
    }

    func testWAVBodyIsReadFromItsHeaderEvenWhenSplitAnywhere() async throws {
        let source = TestAudio.tone(300, sampleRate: 22050, seconds: 0.5)
        var wav = WAVFile.pcm16(samples: source, sampleRate: 22050).serialized()
        // A streaming server does not know the length: data size 0xFFFFFFFF.
        for index in 40..<44 { wav[index] = 0xFF }
        server.enqueue(.stream(status: 200, chunks: TestAudio.pieces(wav, count: 9), interval: .milliseconds(5),
                               contentType: "audio/wav"), for: path)
        // A stereo WAV with a LIST chunk before its data, in one piece.
        let stereo = TestAudio.tone(300, sampleRate: 16000, seconds: 0.25).flatMap { [$0, $0] }
        var file = WAVFile.pcm16(samples: stereo, sampleRate: 16000, channels: 2).serialized()
        let list = Array("LIST".utf8) + [4, 0, 0, 0] + Array("INFO".utf8)
        file.insert(contentsOf: list, at: 36)
        file[4...7] = [UInt8(truncatingIfNeeded: file.count - 8), UInt8(truncatingIfNeeded: (file.count - 8) >> 8), 0, 0]
        server.enqueue(.bytes(status: 200, body: file, contentType: "audio/wav"), for: path)

        let synthesizer = try synthesizer(options: OpenAISpeechSynthesizer.Options(responseFormat: .wav))
        let first = EventLog<SynthesisEvent>()
        let completion = await (try synthesizer.synthesize("Wave one.", sampleRate: 16000) { first.append($0) }).result()
        XCTAssertEqual(completion, .completed(totalSamples: source.count * 16000 / 22050))
        XCTAssertEqual(Double(TestAudio.zeroCrossings(collect(first).samples[800...])), 300 * 2 * 0.45, accuracy: 8)

        let second = EventLog<SynthesisEvent>()
        let stereoCompletion = await (try synthesizer.synthesize("Wave two.", sampleRate: 8000) { second.append($0) }).result()
        XCTAssertEqual(stereoCompletion, .completed(totalSamples: 2000))
        XCTAssertEqual(server.requests(to: path).first?.json?["response_format"] as? String, "wav")
    }

    func testBadRequestFailsWithoutRetryAndTooManyRequestsIsRetried() async throws {
        server.enqueue(.body(status: 400, text: #"{"error":{"message":"voice not found"}}"#), for: path)
        server.enqueue(.body(status: 429, text: "wait", headers: [("retry-after-ms", "100")]), for: path)
        server.enqueue(.bytes(status: 200, body: TestAudio.bytes(speech24k), contentType: "audio/pcm"), for: path)
        let synthesizer = try synthesizer()

        let failedLog = EventLog<SynthesisEvent>()
        let failing = try synthesizer.synthesize("Bad voice.", voice: "nobody", sampleRate: 16000) { failedLog.append($0) }
        let failure = await failing.result()
        guard case .failed(let speechError) = failure else { return XCTFail("expected failure, got \(failure)") }
        XCTAssertTrue(speechError.description.contains("HTTP 400"), speechError.description)
        guard case .http(400, let body, _)? = failing.error else {
            return XCTFail("typed error expected, got \(String(describing: failing.error))")
        }
        XCTAssertTrue(body.contains("voice not found"))
        XCTAssertEqual(failing.attempts, 1)
        XCTAssertEqual(audioCount(failedLog.all), 0)
        XCTAssertEqual(server.requests(to: path).count, 1, "a 400 is not retried")

        let retried = try synthesizer.synthesize("Busy now.", sampleRate: 16000) { _ in }
        let completion = await retried.result()
        XCTAssertEqual(completion, .completed(totalSamples: 19200))
        XCTAssertEqual(retried.attempts, 2)
        XCTAssertEqual(server.requests(to: path).count, 3)
    }

    func testBlankTextFinishesAtOnceWithoutARequest() async throws {
        let log = EventLog<SynthesisEvent>()
        let job = try synthesizer().synthesize("  \n ", sampleRate: 16000) { log.append($0) }
        let completion = await job.result()
        XCTAssertEqual(completion, .completed(totalSamples: 0))
        XCTAssertEqual(server.requests.count, 0)
        XCTAssertEqual(log.all.count, 1)
    }

    func testUnsupportedRatesAreTypedErrors() throws {
        XCTAssertThrowsError(try synthesizer().synthesize("x", sampleRate: 22050) { _ in }) { error in
            XCTAssertEqual(error as? SpeechProviderError,
                           .unsupportedSampleRate(component: "speech synthesizer", sampleRate: 22050))
        }
        XCTAssertThrowsError(try synthesizer(options: OpenAISpeechSynthesizer.Options(rawSampleRate: 0))) { error in
            XCTAssertEqual(error as? SpeechProviderError, .unsupportedSampleRate(component: "speech endpoint", sampleRate: 0))
        }
    }

    func testAudioFeedsTheVoiceChannelLikeEspeak() async throws {
        server.enqueue(.stream(status: 200, chunks: TestAudio.pieces(TestAudio.bytes(speech24k), count: 5),
                               interval: .milliseconds(10), contentType: "audio/pcm"), for: path)
        let channel = try AgentVoiceChannel()
        let id: UtteranceID = 7
        let text = "One two three."
        let job = try channel.say(text, id: id, synthesizer: synthesizer())
        XCTAssertTrue(channel.isSpeaking, "queued at once")
        _ = await job.result()
        var frame = [Int16](repeating: 0, count: AgentVoiceChannel.frameSamples)
        var voiced = 0
        var played: [Int16] = []
        for _ in 0..<200 where channel.isSpeaking {
            if frame.withUnsafeMutableBufferPointer({ channel.speak(into: $0) }) {
                voiced += 1
                played += frame
            }
        }
        XCTAssertFalse(channel.isSpeaking)
        XCTAssertEqual(voiced, 19200 / AgentVoiceChannel.frameSamples, "1.2 s of audio is 60 frames")
        XCTAssertEqual(Double(TestAudio.zeroCrossings(played[3200..<16000])), 704, accuracy: 10)
        let events = channel.drainEvents()
        XCTAssertTrue(events.contains { if case .utteranceStarted(id) = $0 { return true } else { return false } })
        XCTAssertTrue(events.contains { if case .utteranceFinished(id) = $0 { return true } else { return false } })
    }

    func testBargeInHearsTheWordsWhoseEstimatedAudioWasPlayed() async throws {
        server.enqueue(.bytes(status: 200, body: TestAudio.bytes(speech24k), contentType: "audio/pcm"), for: path)
        let channel = try AgentVoiceChannel()
        let text = "Hello there, this is Parley speaking."
        let id: UtteranceID = 9
        let job = try channel.say(text, id: id, synthesizer: synthesizer())
        _ = await job.result()
        // Play 0.6 s (30 frames): the marks put "Hello there, this" before 9600 samples.
        var frame = [Int16](repeating: 0, count: AgentVoiceChannel.frameSamples)
        for _ in 0..<30 { _ = frame.withUnsafeMutableBufferPointer { channel.speak(into: $0) } }
        channel.stopSpeaking()
        let stopped = channel.drainEvents().compactMap { event -> String? in
            if case .utteranceStopped(id, let heard) = event { return heard }
            return nil
        }
        XCTAssertEqual(stopped, ["Hello there, this"])
    }
}
