import ParleyTesting
import XCTest

final class SIPpMessageLogTests: XCTestCase {
    func testMessagesAreSplitWithTheirDirectionStartLineHeadersAndBody() {
        let text = """
            ----------------------------------------------- 2026-11-21 11:18:25.480430\r
            UDP message received [605] bytes :\r
            \r
            NOTIFY sip:1002@127.0.0.1:42532 SIP/2.0\r
            Call-ID: abc\r
            Event: refer;id=2\r
            Content-Type: message/sipfrag;version=2.0\r
            Content-Length: 16\r
            \r
            SIP/2.0 200 OK\r
            \r
            ----------------------------------------------- 2026-11-21 11:18:25.480551\r
            UDP message sent (265 bytes):\r
            \r
            SIP/2.0 200 OK\r
            Call-ID: abc\r
            Content-Length: 0\r
            \r
            \r
            ----------------------------------------------- 2026-11-21 11:18:25.480580\r
            UDP message received [442] bytes :\r
            \r
            BYE sip:1002@127.0.0.1:42532 SIP/2.0\r
            Call-ID: c2///abc\r
            Content-Length: 0\r
            \r

            """
        let log = SIPpMessageLog(text: text)
        XCTAssertEqual(log.messages.count, 3)
        XCTAssertEqual(log.messages.map(\.received), [true, false, true])
        XCTAssertEqual(log.messages.map(\.method), ["NOTIFY", nil, "BYE"])
        XCTAssertEqual(log.received("NOTIFY").first?.body, "SIP/2.0 200 OK")
        XCTAssertEqual(log.received("notify").first?.header("event"), "refer;id=2")
        XCTAssertEqual(log.received("BYE").map { $0.header("Call-ID") }, ["c2///abc"])
        XCTAssertEqual(log.messages[1].startLine, "SIP/2.0 200 OK")
        XCTAssertTrue(SIPpMessageLog(text: "").messages.isEmpty)
        XCTAssertTrue(SIPpMessageLog(text: "-----------------------------------------------\nUDP message sent").messages.isEmpty)
    }
}
