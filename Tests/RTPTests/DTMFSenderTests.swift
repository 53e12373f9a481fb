import RTP
import XCTest

/// ``DTMFSender`` packet sequences, checked field by field, and a round trip through
/// ``DTMFReceiver``.
final class DTMFSenderTests: XCTestCase {
    private let configuration = DTMFSender.Configuration(payloadType: 101, ssrc: 0x1122_3344)

    /// Runs `ticks` ticks starting at audio timestamp `timestamp` and sequence `sequence`;
    /// nil entries are ticks where the caller sent audio (and advanced the sequence itself).
    private func run(
        _ sender: inout DTMFSender, ticks: Int, timestamp: UInt32 = 16_000, sequence: UInt16 = 500
    ) -> [RTPPacket?] {
        var output: [RTPPacket?] = []
        var next = sequence
        for index in 0..<ticks {
            let audioTimestamp = timestamp &+ UInt32(index * 160)
            if let packet = sender.tick(timestamp: audioTimestamp, sequenceNumber: &next) {
                output.append(packet)
            } else {
                output.append(nil)
                next &+= 1  // the audio packet
            }
        }
        return output
    }

    private func block(_ packet: RTPPacket?) -> TelephoneEvent? {
        packet.flatMap { try? TelephoneEvent(parsing: $0.payload) }
    }

    func testOneDigitPacketSequence() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("5", durationMs: 100)
        let output = run(&sender, ticks: 10)
        let packets = output.prefix(7).compactMap { $0 }
        XCTAssertEqual(packets.count, 7, "4 growing packets + the final one three times")
        XCTAssertEqual(output.suffix(3).map { $0 == nil }, [true, true, true], "audio resumes")
        XCTAssertEqual(packets.map(\.timestamp), Array(repeating: 16_000, count: 7))
        XCTAssertEqual(packets.map(\.sequenceNumber), Array(500..<507))
        XCTAssertEqual(packets.map(\.marker), [true] + Array(repeating: false, count: 6))
        XCTAssertTrue(packets.allSatisfy { $0.payloadType == 101 && $0.ssrc == 0x1122_3344 })
        let blocks = packets.compactMap(block)
        XCTAssertEqual(blocks.map(\.duration), [160, 320, 480, 640, 800, 800, 800])
        XCTAssertEqual(blocks.map(\.end), [false, false, false, false, true, true, true])
        XCTAssertTrue(blocks.allSatisfy { $0.event == 5 && $0.volume == 10 })
        XCTAssertTrue(sender.isIdle)
    }

    func testExactlyThreeEndPacketsAndWireBytes() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("#", durationMs: 40)
        let packets = run(&sender, ticks: 8).compactMap { $0 }
        XCTAssertEqual(packets.count, 1 + 3)
        XCTAssertEqual(packets.filter { block($0)?.end == true }.count, 3)
        XCTAssertEqual(packets.last?.serialized(), hex("""
            80 65 01 f7   # V=2, PT 101, seq 503
            00 00 3e 80   # ts 16000
            11 22 33 44   # SSRC
            0b 8a 01 40   # '#', E=1, volume 10, duration 320
            """))
    }

    func testDurationNotAMultipleOfThePacketTimeEndsExactly() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("1", durationMs: 90)
        let blocks = run(&sender, ticks: 9).compactMap { block($0) }
        XCTAssertEqual(blocks.map(\.duration), [160, 320, 480, 640, 720, 720, 720])
    }

    func testQueuedDigitsAreSeparatedByTheInterDigitGap() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("12", durationMs: 60)
        XCTAssertEqual(sender.queuedCount, 2)
        let output = run(&sender, ticks: 16)
        let kinds = output.map { $0 == nil ? "a" : "e" }.joined()
        XCTAssertEqual(kinds, "eeeee" + "aaa" + "eeeee" + "aaa", "2 growing + 3 finals, 60 ms gap, next digit")
        let secondStart = output[8]
        XCTAssertEqual(secondStart?.marker, true)
        XCTAssertEqual(secondStart?.timestamp, 16_000 + 8 * 160, "the next event starts on the audio timeline")
        XCTAssertEqual(secondStart?.sequenceNumber, 500 + 8, "audio packets used the sequence numbers between")
    }

    func testLongPressIsSplitIntoSegments() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("0", durationMs: 9000)  // 72000 units > 0xFFFF
        let packets = run(&sender, ticks: 460).compactMap { $0 }
        let boundary = try XCTUnwrap(packets.firstIndex { block($0)?.duration == 0xFFFF })
        XCTAssertEqual(block(packets[boundary])?.end, false)
        XCTAssertEqual(packets[boundary].timestamp, 16_000)
        XCTAssertEqual(packets[boundary + 1].timestamp, 16_000 &+ 0xFFFF)
        XCTAssertEqual(packets[boundary + 1].marker, false)
        XCTAssertEqual(block(packets.last)?.duration, UInt16(72_000 - 0xFFFF))
        XCTAssertEqual(packets.filter { block($0)?.end == true }.count, 3)

        var receiver = DTMFReceiver()
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(found.map(\.duration), [72_000])
        XCTAssertEqual(found.first?.startTimestamp, 16_000)
    }

    func testCancelEndsTheCurrentEventCleanly() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("789", durationMs: 200)
        _ = run(&sender, ticks: 3)
        sender.cancel()
        let blocks = run(&sender, ticks: 6).compactMap { block($0) }
        XCTAssertEqual(blocks.map(\.end), [true, true, true])
        XCTAssertEqual(blocks.map(\.duration), [480, 480, 480])
        XCTAssertTrue(sender.isIdle)
    }

    func testSequenceAndTimestampWrap() throws {
        var sender = DTMFSender(configuration: configuration)
        try sender.enqueue("D", durationMs: 60)
        let packets = run(&sender, ticks: 6, timestamp: UInt32.max - 10, sequence: 65_534).compactMap { $0 }
        XCTAssertEqual(packets.map(\.sequenceNumber), [65_534, 65_535, 0, 1, 2])
        XCTAssertTrue(packets.allSatisfy { $0.timestamp == UInt32.max - 10 })
    }

    func testBadInputThrowsTypedErrors() {
        var sender = DTMFSender(configuration: DTMFSender.Configuration(ssrc: 1, queueLimit: 3))
        XCTAssertThrowsError(try sender.enqueue("x")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .unknownDigit) }
        XCTAssertThrowsError(try sender.enqueue("12x")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .unknownDigit) }
        XCTAssertEqual(sender.queuedCount, 0, "nothing queued from a bad string")
        XCTAssertThrowsError(try sender.enqueue("1", durationMs: 0)) { XCTAssertEqual(($0 as? DTMFError)?.kind, .badDuration) }
        XCTAssertThrowsError(try sender.enqueue("1234")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .queueFull) }
    }

    func testRoundTripOfEveryKeyThroughTheReceiver() throws {
        var sender = DTMFSender(configuration: configuration)
        let keys = "0123456789*#ABCD"
        try sender.enqueue(keys, durationMs: 80)
        let packets = run(&sender, ticks: 16 * 10).compactMap { $0 }
        var receiver = DTMFReceiver()
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(String(found.map(\.digit)), keys)
        XCTAssertTrue(found.allSatisfy { $0.durationMs == 80 })
    }
}
