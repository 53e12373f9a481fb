@testable import Agent
import Workflow
import XCTest

/// JSON, SHA-256, sentence splitting, the digit grammar and server-sent events.
final class SupportCodeTests: XCTestCase {
    func testSHA256MatchesTheFIPSVectors() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a' crosses many blocks and the padding edge cases.
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testJSONRoundTripsAndRejectsGarbage() throws {
        let text = #"{"b":[1,2.5,-3e2,true,null],"a":"x\"y\\n\u00e9\ud83d\ude00","c":{}}"#
        let value = try JSONValue(parsing: text)
        XCTAssertEqual(value["a"]?.stringValue, "x\"y\\né😀")
        XCTAssertEqual(value["b"]?.arrayValue?.count, 5)
        XCTAssertEqual(value["b"]?.arrayValue?[2], .number(-300))
        XCTAssertEqual(try JSONValue(parsing: value.description), value, "serialisation round-trips")
        XCTAssertEqual(JSONValue.object(["z": .number(1), "a": .bool(false)]).description, #"{"a":false,"z":1}"#)
        for bad in ["", "{", #"{"a":}"#, "[1,]", "tru", #""\ud800""#, "1 2", #"{"a" 1}"#, String(repeating: "[", count: 100)] {
            XCTAssertThrowsError(try JSONValue(parsing: bad), "'\(bad)' is not JSON")
        }
    }

    func testJSONParserNeverTrapsOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:0123456789.eE+-truefalsnl\u "#.utf8)
        var parsed = 0
        for _ in 0..<3_000 {
            let length = Int.random(in: 0..<24, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
            }
            if (try? JSONValue(parsing: bytes)) != nil { parsed += 1 }
        }
        XCTAssertLessThan(parsed, 3_000)
    }

    func testSentencesSplitOnSentenceEndsOnly() {
        XCTAssertEqual(SentenceSplitter.split("Hello there. How can I help?"), ["Hello there.", "How can I help?"])
        XCTAssertEqual(SentenceSplitter.split("It costs 3.50 euros. Open 9 a.m. to 5 p.m. daily!"),
                       ["It costs 3.50 euros.", "Open 9 a.m. to 5 p.m. daily!"])
        XCTAssertEqual(SentenceSplitter.split("Really?! Yes. \"Quoted.\" 42 is the answer"),
                       ["Really?!", "Yes.", "\"Quoted.\"", "42 is the answer"])
        XCTAssertEqual(SentenceSplitter.split("  "), [])
    }

    func testDigitGrammarMatchesDialPatterns() throws {
        let pin = try DigitGrammar("XXXX")
        XCTAssertEqual(pin.match("12"), .partial)
        XCTAssertEqual(pin.match("1234"), .complete)
        XCTAssertEqual(pin.match("12345"), .noMatch)
        XCTAssertEqual(pin.match("12#"), .noMatch)
        let open = try DigitGrammar("1[2-4]N.")
        XCTAssertEqual(open.match("13"), .partial)
        XCTAssertEqual(open.match("151"), .noMatch, "5 is outside [2-4]")
        XCTAssertEqual(open.match("132"), .partial, "'.' needs at least one more key")
        XCTAssertEqual(open.match("1325"), .open)
        XCTAssertEqual(try DigitGrammar("*9!").match("*9"), .open)
        for bad in ["", "X.X", "[5-1]", "[12", "Q", "[]"] {
            XCTAssertThrowsError(try DigitGrammar(bad), "'\(bad)' is not a grammar")
        }
    }

    func testServerSentEventsSurviveAnySplit() {
        let stream = "data: {\"a\":1}\r\n\r\n: comment\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        let expected = ["{\"a\":1}", "line1\nline2", "[DONE]"]
        for cut in 1..<bytes.count {
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            XCTAssertEqual(events, expected, "split at \(cut)")
        }
        var parser = ServerSentEventParser()
        XCTAssertEqual(parser.feed(Array("data: tail".utf8)), [])
        XCTAssertEqual(parser.finish(), "tail", "an unterminated last event is not lost")
    }

    func testStreamedToolCallFragmentsAreAssembled() throws {
        var answer = ChatCompletionAccumulator()
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"One moment"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":", please."}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"order"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\"A17\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]
        for chunk in chunks { try answer.consume(event: chunk) }
        XCTAssertEqual(answer.text, "One moment, please.")
        XCTAssertEqual(answer.toolCalls, [.init(id: "call_1", name: "lookup", arguments: #"{"order":"A17"}"#)])
        XCTAssertEqual(answer.finishReason, "tool_calls")
        XCTAssertTrue(answer.done)
        var broken = ChatCompletionAccumulator()
        XCTAssertThrowsError(try broken.consume(event: "{not json"))
        XCTAssertThrowsError(try broken.consume(event: #"{"error":{"message":"quota"}}"#))
    }

    func testBrainErrorsMapOntoTheRetryPolicy() {
        let policy = ConversationSettings().replyOptions.retry
        let limited = BrainError.http(status: 429, body: "slow down", retryAfter: .seconds(3)).activityFailure
        XCTAssertEqual(limited.type, "HTTP429")
        XCTAssertEqual(policy.delay(after: 1, failure: limited), .seconds(3))
        let bad = BrainError.http(status: 400, body: "bad", retryAfter: nil).activityFailure
        XCTAssertEqual(bad.type, "HTTP400")
        XCTAssertNil(policy.delay(after: 1, failure: bad), "a 400 is never retried")
        XCTAssertNotNil(policy.delay(after: 1, failure: BrainError.http(status: 503, body: "", retryAfter: nil).activityFailure))
        XCTAssertNotNil(policy.delay(after: 1, failure: BrainError.timeout.activityFailure))
        XCTAssertNil(policy.delay(after: 1, failure: BrainError.http(status: 401, body: "", retryAfter: nil).activityFailure))
    }
}
