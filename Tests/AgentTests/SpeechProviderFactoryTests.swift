@testable import Agent
import AsyncHTTPClient
import ParleyTesting
import Speech
import XCTest

/// Building an agent's speech providers from its definition, and their API keys.
final class SpeechProviderFactoryTests: XCTestCase {
    private var server: ScriptedHTTPServer!
    private var client: HTTPClient!

    override func setUp() async throws {
        server = try ScriptedHTTPServer()
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    override func tearDown() async throws {
        try await client.shutdown()
        server.stop()
    }

    private func agent(key: String = "api_key_env: TEST_SPEECH_KEY") throws -> AgentDefinition {
        try definition("""
            name: voice-desk
            language: en-GB
            providers:
              stt: {type: openai, base_url: "\(server.baseURL)/v1", model: whisper-1, \(key), timeout: 5s}
              tts: {type: openai, base_url: "\(server.baseURL)/v1/", model: tts-1, voice: shimmer, \(key)}
            """)
    }

    private func factory(_ environment: [String: String]) -> SpeechProviderFactory {
        SpeechProviderFactory(http: AgentHTTPClient(client: client), environment: environment)
    }

    func testMissingKeyIsATypedErrorNamingTheVariable() throws {
        let agent = try agent()
        for environment in [[:], ["TEST_SPEECH_KEY": ""], ["OTHER": "sk"]] {
            let factory = factory(environment)
            XCTAssertThrowsError(try factory.synthesizer(for: agent)) { error in
                XCTAssertEqual(error as? SpeechProviderError, .missingAPIKey(agent: "voice-desk", variable: "TEST_SPEECH_KEY"))
            }
            XCTAssertThrowsError(try factory.transcriber(for: agent, inputSampleRate: 16000) { _ in }) { error in
                XCTAssertEqual(error as? SpeechProviderError, .missingAPIKey(agent: "voice-desk", variable: "TEST_SPEECH_KEY"))
                XCTAssertTrue(String(describing: error).contains("TEST_SPEECH_KEY"))
            }
        }
    }

    func testOpenAIChoicesBuildProvidersThatSendTheKeyFromTheEnvironment() async throws {
        let agent = try agent()
        let factory = factory(["TEST_SPEECH_KEY": "sk-from-env"])
        let synthesizer = try XCTUnwrap(try factory.synthesizer(for: agent))
        XCTAssertEqual(synthesizer.defaultVoice, "shimmer")
        XCTAssertEqual(synthesizer.endpoint.model, "tts-1")
        let log = EventLog<RecognitionEvent>()
        let transcriber = try XCTUnwrap(try factory.transcriber(for: agent, inputSampleRate: 8000) { log.append($0) })
        XCTAssertEqual(transcriber.language, "en")
        XCTAssertEqual(transcriber.inputSampleRate, 8000)

        server.enqueue(.bytes(status: 200, body: TestAudio.bytes(TestAudio.tone(200, sampleRate: 24000, seconds: 0.3)),
                              contentType: "audio/pcm"), for: "/v1/audio/speech")
        let completion = await (try synthesizer.synthesize("Key check.", sampleRate: 8000) { _ in }).result()
        XCTAssertEqual(completion, .completed(totalSamples: 2400))

        server.enqueue(.body(status: 200, text: #"{"text":"checked"}"#), for: "/v1/audio/transcriptions")
        transcriber.beginUtterance()
        let frame = TestAudio.tone(200, sampleRate: 8000, seconds: 0.02)
        for _ in 0..<10 { frame.withUnsafeBufferPointer { _ = transcriber.accept($0) } }
        transcriber.endUtterance()
        let heard = await log.wait { events in events.contains { if case .final = $0 { return true } else { return false } } }
        XCTAssertTrue(heard)
        XCTAssertEqual(server.requests.map { $0.header("authorization") }, ["Bearer sk-from-env", "Bearer sk-from-env"])
        XCTAssertEqual(server.requests.map(\.uri), ["/v1/audio/speech", "/v1/audio/transcriptions"],
                       "a trailing slash on base_url is dropped")
    }

    func testLiteralKeyAndNoKey() async throws {
        let literal = try factory([:]).synthesizer(for: try agent(key: "api_key: sk-literal"))
        XCTAssertNotNil(literal)
        XCTAssertEqual(try factory([:]).apiKey(for: try XCTUnwrap(literal).endpoint, agent: "voice-desk"), "sk-literal")

        let open = try XCTUnwrap(try factory([:]).synthesizer(for: try agent(key: "max_tokens: 64")))
        server.enqueue(.bytes(status: 200, body: TestAudio.bytes(TestAudio.tone(200, sampleRate: 24000, seconds: 0.1)),
                              contentType: "audio/pcm"), for: "/v1/audio/speech")
        _ = await (try open.synthesize("Local server.", sampleRate: 16000) { _ in }).result()
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertNil(request.header("authorization"), "a local server without a key gets no Authorization header")
    }

    func testEmbeddedChoicesGiveNoProvider() throws {
        let embedded = try definition("""
            name: offline
            providers:
              stt: {type: pocketsphinx, mode: lm}
              tts: {type: espeak, voice: en-us}
            """)
        let factory = factory([:])
        XCTAssertNil(try factory.synthesizer(for: embedded))
        XCTAssertNil(try factory.transcriber(for: embedded, inputSampleRate: 16000) { _ in })
        let defaults = try definition("name: plain\n")
        XCTAssertNil(try factory.synthesizer(for: defaults))
        XCTAssertNil(try factory.transcriber(for: defaults, inputSampleRate: 16000) { _ in })
    }

    func testLanguageTagsBecomePrimarySubtags() {
        XCTAssertEqual(OpenAITranscriber.primaryLanguage("en-US"), "en")
        XCTAssertEqual(OpenAITranscriber.primaryLanguage("de"), "de")
        XCTAssertEqual(OpenAITranscriber.primaryLanguage("pt_BR"), "pt")
        XCTAssertNil(OpenAITranscriber.primaryLanguage("english"))
        XCTAssertNil(OpenAITranscriber.primaryLanguage(""))
        XCTAssertNil(OpenAITranscriber.primaryLanguage("e1-US"))
    }

    func testRetryPolicyDecisions() {
        let policy = SpeechRetryPolicy()
        XCTAssertEqual(policy.delay(after: .http(status: 429, body: "", retryAfter: .milliseconds(700)), attempts: 1),
                       .milliseconds(700))
        XCTAssertEqual(policy.delay(after: .http(status: 429, body: "", retryAfter: .seconds(60)), attempts: 1), .seconds(2))
        XCTAssertEqual(policy.delay(after: .http(status: 429, body: "", retryAfter: nil), attempts: 1), .milliseconds(500))
        XCTAssertNil(policy.delay(after: .http(status: 429, body: "", retryAfter: .zero), attempts: 2), "only one retry")
        XCTAssertEqual(policy.delay(after: .http(status: 502, body: "", retryAfter: nil), attempts: 1), .milliseconds(200))
        XCTAssertEqual(policy.delay(after: .transport("reset"), attempts: 1), .milliseconds(200))
        for status in [400, 401, 404, 413, 422] {
            XCTAssertNil(policy.delay(after: .http(status: status, body: "", retryAfter: nil), attempts: 1), "\(status)")
        }
        XCTAssertNil(policy.delay(after: .timeout, attempts: 1))
        XCTAssertNil(policy.delay(after: .badResponse("x"), attempts: 1))
        XCTAssertNil(SpeechRetryPolicy.never.delay(after: .http(status: 503, body: "", retryAfter: nil), attempts: 1))
    }
}
