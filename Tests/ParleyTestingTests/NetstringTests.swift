import XCTest

@testable import ParleyTesting

final class NetstringTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testEncode() {
        XCTAssertEqual(Netstring.encode(bytes("hello")), bytes("5:hello,"))
        XCTAssertEqual(Netstring.encode([]), bytes("0:,"))
        XCTAssertEqual(Netstring.encode([UInt8](repeating: 0x41, count: 12)).prefix(3), ArraySlice(bytes("12:")))
    }

    func testDecodeAcrossArbitraryChunks() throws {
        let stream = bytes("5:hello,0:,11:{\"a\":\"b,c\"},")
        // Feed one byte at a time: payloads appear exactly when their comma arrives.
        var decoder = Netstring.Decoder()
        var payloads = [[UInt8]]()
        for byte in stream {
            decoder.append([byte])
            while let payload = try decoder.next() { payloads.append(payload) }
        }
        XCTAssertEqual(payloads, [bytes("hello"), [], bytes("{\"a\":\"b,c\"}")])

        var whole = Netstring.Decoder()
        whole.append(stream)
        XCTAssertEqual(try whole.next(), bytes("hello"))
        XCTAssertEqual(try whole.next(), [])
        XCTAssertEqual(try whole.next(), bytes("{\"a\":\"b,c\"}"))
        XCTAssertNil(try whole.next())
    }

    func testIncompleteInputWaits() throws {
        var decoder = Netstring.Decoder()
        decoder.append(bytes("12"))
        XCTAssertNil(try decoder.next())
        decoder.append(bytes(":hello "))
        XCTAssertNil(try decoder.next())
        decoder.append(bytes("world!,"))
        XCTAssertEqual(try decoder.next(), bytes("hello world!"))
    }

    func testMalformedStreams() {
        let cases: [(String, Netstring.DecodeError)] = [
            ("x:abc,", .invalidLengthByte(UInt8(ascii: "x"))),
            ("-1:a,", .invalidLengthByte(UInt8(ascii: "-"))),
            (":abc,", .invalidLengthByte(UInt8(ascii: ":"))),
            ("3:abcd", .missingComma(found: UInt8(ascii: "d"))),
            ("99999999999:", .tooLong(declared: 99_999_999)),
        ]
        for (input, expected) in cases {
            var decoder = Netstring.Decoder()
            decoder.append(bytes(input))
            XCTAssertThrowsError(try decoder.next(), input) { error in
                XCTAssertEqual(error as? Netstring.DecodeError, expected, input)
            }
        }
    }

    func testBaresipEventAndResponseDecoding() throws {
        let event = """
        {"event": true, "type": "CALL_CLOSED", "class": "call", "accountaor": "sip:a@127.0.0.1",
         "direction": "outgoing", "peeruri": "sip:b@127.0.0.1:41120", "id": "54bef391", "param": "end of file",
         "rtcp_stats": {"tx": {"sent": 0}}}
        """
        let message = try XCTUnwrap(BaresipMessage(json: bytes(event)))
        XCTAssertTrue(message.isEvent)
        XCTAssertFalse(message.isResponse)
        XCTAssertEqual(message.type, "CALL_CLOSED")
        XCTAssertEqual(message.eventClass, "call")
        XCTAssertEqual(message.param, "end of file")
        XCTAssertEqual(message.callID, "54bef391")
        XCTAssertEqual(message.peerURI, "sip:b@127.0.0.1:41120")

        let response = try XCTUnwrap(BaresipMessage(json: bytes(#"{"response": true, "ok": false, "data": "no call", "token": "t7"}"#)))
        XCTAssertTrue(response.isResponse)
        XCTAssertEqual(response.ok, false)
        XCTAssertEqual(response.data, "no call")
        XCTAssertEqual(response.token, "t7")

        // Unexpected field types are dropped, not fatal; non-JSON is rejected.
        let odd = try XCTUnwrap(BaresipMessage(json: bytes(#"{"event": true, "type": "X", "param": 5, "ok": "yes"}"#)))
        XCTAssertEqual(odd.type, "X")
        XCTAssertNil(odd.param)
        XCTAssertNil(odd.ok)
        XCTAssertNil(BaresipMessage(json: bytes("not json")))
        XCTAssertNil(BaresipMessage(json: []))
    }

    func testCommandEncodingIsJSONThatBaresipUnderstands() throws {
        let command = BaresipMessage.command("dial", params: "sip:b@127.0.0.1:5080;transport=udp", token: "t1")
        let object = try JSONSerialization.jsonObject(with: Data(command)) as? [String: String]
        XCTAssertEqual(object, ["command": "dial", "params": "sip:b@127.0.0.1:5080;transport=udp", "token": "t1"])
    }
}
