import Control
import Foundation
import XCTest

final class EventBusTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func testSubscribersReceiveEveryEventInOrderWithSequenceAndContext() async throws {
        let bus = ControlEventBus(now: { Date(timeIntervalSince1970: 1_700_000_000) })
        let first = bus.subscribe()
        let second = bus.subscribe()
        bus.publish(.callIncoming(from: "sip:a@x", to: "1000", trunk: nil), call: "c-1")
        bus.publish(.transcript(text: "hi", isFinal: true), call: "c-1", conversation: "conv-1")
        bus.publish(.dtmf(digit: "5"), call: "c-1", conversation: "conv-1", at: t0.addingTimeInterval(3))
        first.cancel()
        second.cancel()
        var received: [[ControlEventEnvelope]] = []
        for subscription in [first, second] {
            var events: [ControlEventEnvelope] = []
            for await event in subscription { events.append(event) }
            received.append(events)
        }
        XCTAssertEqual(received[0], received[1])
        XCTAssertEqual(received[0].map(\.sequence), [1, 2, 3])
        XCTAssertEqual(received[0].map(\.event.type), ["callIncoming", "transcript", "dtmf"])
        XCTAssertEqual(received[0][1].conversationID, "conv-1")
        XCTAssertEqual(received[0][0].time, t0, "stamped by the injected clock")
        XCTAssertEqual(received[0][2].time, t0.addingTimeInterval(3), "or by the publisher")
        XCTAssertEqual(bus.subscriberCount, 0)
    }

    func testASlowSubscriberLosesItsOldestEventsAndTheLossIsCounted() async throws {
        let bus = ControlEventBus(bufferSize: 4)
        let slow = bus.subscribe()
        let roomy = bus.subscribe(bufferSize: 100)
        for digit in 0..<10 { bus.publish(.dtmf(digit: "\(digit)")) }
        slow.cancel()
        roomy.cancel()
        var kept: [UInt64] = []
        for await event in slow { kept.append(event.sequence) }
        XCTAssertEqual(kept, [7, 8, 9, 10], "the newest survive")
        XCTAssertEqual(slow.dropped, 6)
        var all = 0
        for await _ in roomy { all += 1 }
        XCTAssertEqual(all, 10)
        XCTAssertEqual(roomy.dropped, 0)
        XCTAssertEqual(bus.droppedCount, 6)
    }

    func testPublishingFromManyThreadsNeverBlocksAndKeepsOneOrder() async throws {
        let bus = ControlEventBus(bufferSize: 10_000)
        let a = bus.subscribe()
        let b = bus.subscribe()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<250 { bus.publish(.dtmf(digit: "\(worker)-\(index)")) }
        }
        a.cancel()
        b.cancel()
        var first: [UInt64] = []
        for await event in a { first.append(event.sequence) }
        var second: [UInt64] = []
        for await event in b { second.append(event.sequence) }
        XCTAssertEqual(first, Array(1...2000))
        XCTAssertEqual(second, first)
    }

    func testResumesAfterALastSeenSequenceFromTheRecentRing() async throws {
        let bus = ControlEventBus(historySize: 5)
        for index in 1...8 { bus.publish(.dtmf(digit: "\(index)")) }
        XCTAssertEqual(bus.recent().map(\.sequence), [4, 5, 6, 7, 8])
        let resumed = bus.subscribe(after: 6)
        bus.publish(.callAnswered)
        resumed.cancel()
        var sequences: [UInt64] = []
        for await event in resumed { sequences.append(event.sequence) }
        XCTAssertEqual(sequences, [7, 8, 9])
    }

    func testFinishEndsEverySubscription() async {
        let bus = ControlEventBus()
        let subscription = bus.subscribe()
        bus.publish(.callAnswered)
        bus.finish()
        bus.publish(.callAnswered)
        var count = 0
        for await _ in subscription { count += 1 }
        XCTAssertEqual(count, 1)
        let late = bus.subscribe()
        for await _ in late { XCTFail("a finished bus delivers nothing") }
    }

    func testEnvelopesRoundTripThroughTheirFlatJSON() throws {
        let events: [ControlEvent] = [
            .callIncoming(from: "sip:a@x", to: "1000", trunk: "provider"), .callAnswered,
            .callEnded(disposition: "answered", reason: "BYE"), .transcript(text: "hello", isFinal: false),
            .agentSpeaking(text: "Hi"), .agentInterrupted(heard: "H"),
            .toolCallStarted(tool: "transfer", toolCallID: "t1", arguments: #"{"to":"1001"}"#),
            .toolCallFinished(tool: "transfer", toolCallID: "t1", ok: false, result: "busy"), .dtmf(digit: "#"),
            .workflowEvent(kind: "timerStarted", detail: "idle", firesAt: t0.addingTimeInterval(10)),
            .holdProgress(.held), .transferProgress(stage: .trying, target: "1001"),
            .registrationChanged(user: "1000", contact: "sip:1000@192.0.2.1", change: .expired),
        ]
        XCTAssertEqual(Set(events.map(\.type)), Set(ControlEvent.allTypes), "every type is covered")
        for (index, event) in events.enumerated() {
            let envelope = ControlEventEnvelope(sequence: UInt64(index + 1), time: t0, callID: "c-1",
                                                conversationID: index.isMultiple(of: 2) ? "conv-1" : nil, event: event)
            let data = try ControlJSON.encode(envelope)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            XCTAssertEqual(object["type"] as? String, event.type)
            XCTAssertEqual(object["callID"] as? String, "c-1")
            XCTAssertEqual(try ControlJSON.decode(ControlEventEnvelope.self, from: data), envelope)
        }
        let sample = try ControlJSON.encode(ControlEventEnvelope(sequence: 1, time: t0, callID: nil, conversationID: nil,
                                                                 event: .dtmf(digit: "5")))
        XCTAssertEqual(String(decoding: sample, as: UTF8.self),
                       #"{"digit":"5","sequence":1,"time":"2023-11-14T22:13:20.000Z","type":"dtmf"}"#)
    }
}
