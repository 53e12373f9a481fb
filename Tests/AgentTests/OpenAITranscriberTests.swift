@testable import Agent
import AsyncHTTPClient
import Codecs
import ParleyTesting
import Speech
import XCTest

/// The OpenAI-compatible transcriber against a real HTTP server on 127.0.0.1 that reads the
/// multipart upload and answers from a script.
final class OpenAITranscriberTests: XCTestCase {
    private var server: ScriptedHTTPServer!
    private var client: HTTPClient!
    private let path = "/v1/audio/transcriptions"

    override func setUp() async throws {
        server = try ScriptedHTTPServer()
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    override func tearDown() async throws {
        try await client.shutdown()
        server.stop()
    }

    private func endpoint(key: APIKeySource = .literal("sk-stt-test")) -> OpenAIEndpoint {
        OpenAIEndpoint(baseURL: server.baseURL + "/v1", model: "whisper-test", apiKey: key, timeout: .seconds(10))
    }

    private func transcriber(rate: Int = 8000, language: String? = "en-US",
                             options: OpenAITranscriber.Options = OpenAITranscriber.Options(),
                             log: EventLog<RecognitionEvent>) throws -> OpenAITranscriber {
        try OpenAITranscriber(endpoint: endpoint(), apiKey: "sk-stt-test", http: AgentHTTPClient(client: client),
                              inputSampleRate: rate, language: language, options: options) { log.append($0) }
    }

    /// Feeds `samples` as 20 ms frames between begin and end; returns how many were accepted.
    @discardableResult
    private func speak(_ samples: [Int16], rate: Int, into transcriber: OpenAITranscriber) -> Int {
        let frame = rate / 50
        transcriber.beginUtterance()
        var accepted = 0
        var start = 0
        while start < samples.count {
            let end = min(start + frame, samples.count)
            if samples[start..<end].withUnsafeBufferPointer({ transcriber.accept($0) }) { accepted += 1 }
            start = end
        }
        transcriber.endUtterance()
        return accepted
    }

    private func finals(_ log: EventLog<RecognitionEvent>) -> [RecognitionResult] {
        log.all.compactMap { event in
            if case .final(let result) = event { return result }
            return nil
        }
    }

    private func waitForFinals(_ count: Int, _ log: EventLog<RecognitionEvent>) async throws -> [RecognitionResult] {
        let arrived = await log.wait { events in
            events.filter { if case .final = $0 { return true } else { return false } }.count >= count
        }
        XCTAssertTrue(arrived, "\(count) finals expected, got \(finals(log).count)")
        return finals(log)
    }

    func testUtteranceIsUploadedAsWAVAndItsTextDelivered() async throws {
        server.enqueue(.body(status: 200, text: #"{"text": "  I would like\n to speak to   sales. "}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        let audio = TestAudio.tone(440, sampleRate: 8000, seconds: 1.0)
        XCTAssertEqual(speak(audio, rate: 8000, into: stt), 50)

        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results, [RecognitionResult(utterance: 1, text: "I would like to speak to sales.", confidence: nil,
                                                   isRejected: false, audioDuration: .seconds(1))])
        guard case .ready = log.all.first else { return XCTFail("ready comes first: \(log.all)") }

        let request = try XCTUnwrap(server.requests(to: path).first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.header("authorization"), "Bearer sk-stt-test")
        let parts = try FormReader.parts(request.bodyBytes, contentType: request.header("content-type"))
        XCTAssertEqual(parts.map(\.name), ["file", "model", "language", "response_format"])
        let fields = Dictionary(uniqueKeysWithValues: parts.map { ($0.name, $0) })
        XCTAssertEqual(fields["model"]?.text, "whisper-test")
        XCTAssertEqual(fields["language"]?.text, "en")
        XCTAssertEqual(fields["response_format"]?.text, "json")
        let file = try XCTUnwrap(fields["file"])
        XCTAssertEqual(file.filename, "utterance.wav")
        XCTAssertEqual(file.contentType, "audio/wav")
        let wav = try WAVFile(parsing: file.body)
        XCTAssertEqual(wav.format, .pcm16)
        XCTAssertEqual(wav.sampleRate, 8000)
        XCTAssertEqual(wav.channels, 1)
        XCTAssertEqual(wav.frameCount, 8000)
        XCTAssertEqual(wav.pcm16Samples, audio, "the upload is exactly the audio fed")
        let statistics = stt.statistics
        XCTAssertEqual(statistics.framesAccepted, 50)
        XCTAssertEqual(statistics.requests, 1)
        XCTAssertEqual(statistics.retries, 0)
        XCTAssertNotNil(statistics.lastLatency)
    }

    func testSixteenKilohertzWithoutLanguageSendsNoLanguageField() async throws {
        server.enqueue(.body(status: 200, text: #"{"text":"yes"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(rate: 16000, language: nil, log: log)
        speak(TestAudio.tone(300, sampleRate: 16000, seconds: 0.5), rate: 16000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.first?.text, "yes")
        XCTAssertEqual(results.first?.audioDuration, .milliseconds(500))
        let request = try XCTUnwrap(server.requests(to: path).first)
        let parts = try FormReader.parts(request.bodyBytes, contentType: request.header("content-type"))
        XCTAssertEqual(parts.map(\.name), ["file", "model", "response_format"])
        let wav = try WAVFile(parsing: try XCTUnwrap(parts.first).body)
        XCTAssertEqual(wav.sampleRate, 16000)
        XCTAssertEqual(wav.frameCount, 8000)
    }

    func testTooManyRequestsIsRetriedOnceAfterRetryAfter() async throws {
        server.enqueue(.body(status: 429, text: #"{"error":{"message":"slow down"}}"#, headers: [("retry-after", "0.2")]),
                       for: path)
        server.enqueue(.body(status: 200, text: #"{"text":"second time lucky"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.4), rate: 8000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.map(\.text), ["second time lucky"])
        XCTAssertEqual(results.first?.isRejected, false)
        XCTAssertEqual(server.requests(to: path).count, 2)
        XCTAssertEqual(stt.statistics.retries, 1)
        XCTAssertEqual(stt.statistics.failures, 0)
        let bodies = server.requests(to: path).map(\.bodyBytes.count)
        XCTAssertEqual(Set(bodies).count, 1, "the retry sends the same upload")
    }

    func testTooManyRequestsTwiceGivesUpAfterOneRetry() async throws {
        for _ in 0..<2 {
            server.enqueue(.body(status: 429, text: "busy", headers: [("retry-after", "30")]), for: path)
        }
        server.enqueue(.body(status: 200, text: #"{"text":"never asked"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        // A 30 s Retry-After is capped by the policy (here at 50 ms).
        let options = OpenAITranscriber.Options(retryPolicy: SpeechRetryPolicy(maximumRetryAfter: .milliseconds(50)))
        let stt = try transcriber(options: options, log: log)
        speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.4), rate: 8000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.map(\.isRejected), [true])
        XCTAssertEqual(results.map(\.text), [""])
        XCTAssertEqual(server.requests(to: path).count, 2, "one retry, no more")
        XCTAssertEqual(stt.statistics.failures, 1)
        XCTAssertEqual(stt.statistics.lastError, .http(status: 429, body: "busy", retryAfter: .seconds(30)))
    }

    func testBadRequestIsNotRetriedAndIsReportedAsRejected() async throws {
        server.enqueue(.body(status: 400, text: #"{"error":{"message":"Invalid file format."}}"#), for: path)
        server.enqueue(.body(status: 200, text: #"{"text":"must not be used"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.4), rate: 8000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results, [RecognitionResult(utterance: 1, text: "", confidence: nil, isRejected: true,
                                                   audioDuration: .milliseconds(400))])
        XCTAssertEqual(server.requests(to: path).count, 1)
        guard case .http(400, let body, nil)? = stt.statistics.lastError else {
            return XCTFail("expected an HTTP 400 error, got \(String(describing: stt.statistics.lastError))")
        }
        XCTAssertTrue(body.contains("Invalid file format."))
        XCTAssertEqual(stt.statistics.failures, 1)
    }

    func testServerErrorIsRetriedOnce() async throws {
        server.enqueue(.body(status: 503, text: "overloaded"), for: path)
        server.enqueue(.body(status: 200, text: #"{"text":"after the outage"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.4), rate: 8000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.map(\.text), ["after the outage"])
        XCTAssertEqual(server.requests(to: path).count, 2)
    }

    func testUtterancesAreDeliveredInOrderEvenWhenTheFirstIsSlow() async throws {
        server.enqueue(.delayed(.milliseconds(400), .body(status: 200, text: #"{"text":"one"}"#)), for: path)
        server.enqueue(.body(status: 200, text: #"{"text":"two"}"#), for: path)
        server.enqueue(.body(status: 200, text: #"{"text":"three"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        let lengths = [0.2, 0.4, 0.6]
        for seconds in lengths {
            speak(TestAudio.tone(440, sampleRate: 8000, seconds: seconds), rate: 8000, into: stt)
        }
        let results = try await waitForFinals(3, log)
        XCTAssertEqual(results.map(\.utterance), [1, 2, 3])
        XCTAssertEqual(results.map(\.text), ["one", "two", "three"])
        XCTAssertEqual(results.map(\.audioDuration), [.milliseconds(200), .milliseconds(400), .milliseconds(600)])
        // Each upload is its own utterance, sent in order.
        let frames = try server.requests(to: path).map { request in
            try WAVFile(parsing: try XCTUnwrap(try FormReader.parts(request.bodyBytes,
                                                                     contentType: request.header("content-type")).first).body).frameCount
        }
        XCTAssertEqual(frames, [1600, 3200, 4800])
    }

    func testLongUtteranceIsCappedAndExtraFramesCounted() async throws {
        server.enqueue(.body(status: 200, text: #"{"text":"a long story"}"#), for: path)
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(options: OpenAITranscriber.Options(maximumUtterance: .seconds(1)), log: log)
        let accepted = speak(TestAudio.tone(440, sampleRate: 8000, seconds: 1.5), rate: 8000, into: stt)
        XCTAssertEqual(accepted, 50)
        XCTAssertEqual(stt.statistics.framesDropped, 25)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.first?.audioDuration, .seconds(1))
        let request = try XCTUnwrap(server.requests(to: path).first)
        let file = try XCTUnwrap(try FormReader.parts(request.bodyBytes, contentType: request.header("content-type")).first)
        XCTAssertEqual(try WAVFile(parsing: file.body).frameCount, 8000)
    }

    func testMalformedFramesAreRefused() throws {
        let stt = try transcriber(log: EventLog())
        let tooLong = [Int16](repeating: 1, count: 801)
        XCTAssertFalse(tooLong.withUnsafeBufferPointer { stt.accept($0) }, "more than 100 ms at 8 kHz")
        XCTAssertFalse([Int16]().withUnsafeBufferPointer { stt.accept($0) })
        XCTAssertEqual(stt.statistics.framesDropped, 2)
        stt.close()
        XCTAssertFalse([Int16](repeating: 1, count: 160).withUnsafeBufferPointer { stt.accept($0) }, "closed")
    }

    func testShortUtteranceIsRejectedWithoutARequest() async throws {
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.04), rate: 8000, into: stt)
        let results = try await waitForFinals(1, log)
        XCTAssertEqual(results.map(\.isRejected), [true])
        XCTAssertEqual(server.requests.count, 0)
        XCTAssertEqual(stt.statistics.utterancesTooShort, 1)
    }

    func testUnsupportedRateIsATypedError() throws {
        XCTAssertThrowsError(try transcriber(rate: 44100, log: EventLog())) { error in
            XCTAssertEqual(error as? SpeechProviderError, .unsupportedSampleRate(component: "transcriber", sampleRate: 44100))
        }
    }

    func testGarbageAnswersBecomeRejectedFinals() async throws {
        var generator = SeededGenerator(seed: 7)
        let bodies = (0..<4).map { _ in String(decoding: (0..<Int.random(in: 0...300, using: &generator)).map { _ in
            UInt8.random(in: 0...255, using: &generator) }, as: UTF8.self) }
        for body in bodies { server.enqueue(.body(status: 200, text: body), for: path) }
        let log = EventLog<RecognitionEvent>()
        let stt = try transcriber(log: log)
        for _ in bodies { speak(TestAudio.tone(440, sampleRate: 8000, seconds: 0.2), rate: 8000, into: stt) }
        let results = try await waitForFinals(bodies.count, log)
        XCTAssertEqual(results.map(\.isRejected), [Bool](repeating: true, count: bodies.count))
        XCTAssertEqual(results.map(\.utterance), Array(1...bodies.count))
        XCTAssertEqual(stt.statistics.failures, bodies.count)
        XCTAssertEqual(server.requests(to: path).count, bodies.count, "a bad answer is not retried")
    }
}

/// A deterministic generator for fuzz tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E509
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
