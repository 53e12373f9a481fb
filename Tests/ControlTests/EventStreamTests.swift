import Control
import Foundation
import XCTest

/// `GET /events` over real HTTP: Server-Sent Events in publication order.
final class EventStreamTests: XCTestCase {
    /// Reads the stream in the background until `count` events arrived.
    private func collect(_ client: ControlClient, count: Int, query: [(String, String)] = []) -> Task<[EventStreamMessage], any Error> {
        Task {
            let received = ControlLock<[EventStreamMessage]>([])
            try await client.stream("/events", query: query) { event in
                received.withLock { list -> Int in
                    list.append(event)
                    return list.count
                } < count
            }
            return received.withLock { $0 }
        }
    }

    private func waitForSubscribers(_ bus: ControlEventBus, _ count: Int) async throws {
        for _ in 0..<2_000 where bus.subscriberCount < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTAssertEqual(bus.subscriberCount, count, "the stream subscribed")
    }

    func testSubscribePublishAndReceiveInOrder() async throws {
        let harness = try await ControlHarness.start(for: self)
        let reader = collect(try harness.client(), count: 4)
        try await waitForSubscribers(harness.events, 1)
        harness.events.publish(.callIncoming(from: "sip:alice@example.com", to: "1000", trunk: nil), call: "c-1")
        harness.events.publish(.callAnswered, call: "c-1", conversation: "conv-1")
        harness.events.publish(.transcript(text: "I need help\nwith a bill", isFinal: true), call: "c-1",
                               conversation: "conv-1")
        harness.events.publish(.callEnded(disposition: "answered", reason: nil), call: "c-1")
        let events = try await reader.value
        XCTAssertEqual(events.map(\.event), ["callIncoming", "callAnswered", "transcript", "callEnded"])
        XCTAssertEqual(events.map(\.id), ["1", "2", "3", "4"])
        let envelopes = try events.map { try ControlJSON.decode(ControlEventEnvelope.self, from: Data($0.data.utf8)) }
        XCTAssertEqual(envelopes.map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(envelopes[2].event, .transcript(text: "I need help\nwith a bill", isFinal: true),
                       "a line break in a transcript survives the stream")
        XCTAssertEqual(envelopes[1].conversationID, "conv-1")
    }

    func testFiltersByTypeAndCallAndResumesAfterLastEventID() async throws {
        let harness = try await ControlHarness.start(for: self)
        let client = try harness.client()
        let reader = collect(client, count: 2, query: [("types", "dtmf,transcript"), ("call", "c-2")])
        try await waitForSubscribers(harness.events, 1)
        harness.events.publish(.dtmf(digit: "1"), call: "c-1")
        harness.events.publish(.callAnswered, call: "c-2")
        harness.events.publish(.dtmf(digit: "2"), call: "c-2")
        harness.events.publish(.transcript(text: "yes", isFinal: true), call: "c-2")
        let filtered = try await reader.value
        XCTAssertEqual(filtered.map(\.id), ["3", "4"])

        // A client that saw event 2 reconnects and gets 3 and 4 from the recent ring, then live ones.
        let resumer = Task {
            let received = ControlLock<[EventStreamMessage]>([])
            try await client.stream("/events", headers: [("Last-Event-ID", "2")]) { event in
                received.withLock { list -> Int in
                    list.append(event)
                    return list.count
                } < 3
            }
            return received.withLock { $0 }
        }
        try await waitForSubscribers(harness.events, 2)
        harness.events.publish(.callEnded(disposition: "answered", reason: nil), call: "c-2")
        let replayed = try await resumer.value
        XCTAssertEqual(replayed.map(\.id), ["3", "4", "5"])

        let recent = try await client.get([ControlEventEnvelope].self, "/events/recent", query: [("call", "c-2")])
        XCTAssertEqual(recent.map(\.sequence), [2, 3, 4, 5])
        let afterQuery = Task {
            let received = ControlLock<[EventStreamMessage]>([])
            try await client.stream("/events", query: [("after", "4")]) { event in
                received.withLock { list -> Int in
                    list.append(event)
                    return list.count
                } < 1
            }
            return received.withLock { $0 }
        }
        let fromQuery = try await afterQuery.value
        XCTAssertEqual(fromQuery.map(\.id), ["5"], "?after= resumes like Last-Event-ID")
        let badType = try await harness.request(.GET, "/events?types=dtmf,smoke")
        XCTAssertEqual(badType.status, 400)
    }

    func testStoppingTheServerEndsOpenStreams() async throws {
        let harness = try await ControlHarness.start(for: self)
        let reader = collect(try harness.client(), count: 100)
        try await waitForSubscribers(harness.events, 1)
        harness.events.publish(.callAnswered)
        await harness.server.stop()
        let events = try await reader.value
        XCTAssertEqual(events.map(\.event), ["callAnswered"])
        XCTAssertEqual(harness.events.subscriberCount, 0)
    }

    func testParserHandlesSplitChunksCRLFCommentsAndMultilineData() {
        var parser = EventStreamParser()
        let text = ": hello\r\nretry: 3000\r\nid: 7\r\nevent: dtmf\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nda"
        var events: [EventStreamMessage] = []
        for byte in Array(text.utf8) { events += parser.feed([byte]) }
        events += parser.feed(Array("ta: plain\n\n\n".utf8))
        XCTAssertEqual(events, [
            EventStreamMessage(event: "dtmf", data: "{\"a\":\n1}", id: "7"),
            EventStreamMessage(event: "message", data: "plain", id: "7"),
        ])
    }
}
