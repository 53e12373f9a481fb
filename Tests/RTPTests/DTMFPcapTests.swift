import Foundation
import RTP
import ParleyTesting
import XCTest

/// The telephone-event captures SIPp ships (`dtmf_2833_*.pcap`, copied into `Fixtures/`) decode
/// to exactly their digit.
final class DTMFPcapTests: XCTestCase {
    private let files: [(name: String, digit: Character)] = [
        ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5"), ("6", "6"),
        ("7", "7"), ("8", "8"), ("9", "9"), ("star", "*"), ("pound", "#"),
    ]

    private func packets(_ name: String) throws -> [(time: Int64, packet: RTPPacket)] {
        let capture = try PcapFile(fixture: "dtmf_2833_\(name).pcap")
        return try capture.datagrams.map { datagram in (datagram.time, try RTPPacket(parsing: datagram.payload)) }
    }

    /// Feeds packets at their capture times (µs → 8 kHz units) and ticks every 20 ms.
    private func decode(_ packets: [(time: Int64, packet: RTPPacket)], receiver: inout DTMFReceiver) -> [DTMFAction] {
        var actions: [DTMFAction] = []
        var index = 0
        let last = packets.last?.time ?? 0
        var now: Int64 = 0
        while now <= last + 400_000 {
            while index < packets.count, packets[index].time <= now {
                let arrival = UInt32(truncatingIfNeeded: packets[index].time * 8 / 1000)
                actions += receiver.handle(packets[index].packet, arrival: arrival)
                index += 1
            }
            actions += receiver.tick(now: UInt32(truncatingIfNeeded: now * 8 / 1000))
            now += 20_000
        }
        return actions
    }

    func testEachCaptureYieldsItsDigitOnce() throws {
        for file in files {
            let trace = try packets(file.name)
            XCTAssertEqual(trace.count, 10, file.name)
            XCTAssertTrue(trace.allSatisfy { $0.packet.payloadType == 101 }, file.name)
            var receiver = DTMFReceiver()
            let actions = decode(trace, receiver: &receiver)
            let found = actions.compactMap(\.completedDigit)
            XCTAssertEqual(found.map(\.digit), [file.digit], file.name)
            XCTAssertEqual(found.first?.duration, 2240, "\(file.name): the E packets' duration")
            XCTAssertEqual(found.first?.startTimestamp, trace.first?.packet.timestamp, file.name)
            XCTAssertEqual(actions.count, 2, "\(file.name): one keyDown, one digit")
            XCTAssertEqual(receiver.statistics.ignored, 2, "\(file.name): the two end copies")
        }
    }

    /// The captures in timestamp order play like one call dialling all twelve keys.
    func testAllCapturesAsOneCallDialTwelveDigitsInOrder() throws {
        var all: [(file: Character, packets: [RTPPacket])] = []
        for file in files {
            all.append((file.digit, try packets(file.name).map(\.packet)))
        }
        all.sort { Serial.isNewer($1.packets[0].timestamp, than: $0.packets[0].timestamp) }
        var receiver = DTMFReceiver()
        var ticks: [[RTPPacket]] = []
        for press in all {
            ticks += onePerTick(press.packets.map { packet in
                var copy = packet
                copy.ssrc = 1
                return copy
            })
            ticks += [[], [], []]
        }
        let found = digits(runReceiver(&receiver, ticks: ticks))
        XCTAssertEqual(String(found.map(\.digit)), String(all.map(\.file)))
        XCTAssertEqual(found.count, 12)
    }

    /// SIPp replays the captures as they are, in file order: their timestamps go back and forth on
    /// one SSRC (digit 1's capture is older than digit 0's). Each press must still count once, and
    /// late copies of a reported press must still be ignored.
    func testCapturesInFileOrderWithTimestampsGoingBackStillDialTwelveDigits() throws {
        var receiver = DTMFReceiver()
        var ticks: [[RTPPacket]] = []
        var expected = ""
        var previous: [RTPPacket] = []
        for file in files {
            let packets = try packets(file.name).map(\.packet)
            ticks += onePerTick(packets)
            // A stray late end packet of the previous press arrives after this press.
            if let lateEnd = previous.last { ticks.append([lateEnd]) }
            ticks += [[], [], []]
            expected.append(file.digit)
            previous = packets
        }
        let found = digits(runReceiver(&receiver, ticks: ticks))
        XCTAssertEqual(String(found.map(\.digit)), expected)
    }

    func testPcapReaderRejectsGarbage() {
        XCTAssertThrowsError(try PcapFile(bytes: [1, 2, 3]))
        XCTAssertThrowsError(try PcapFile(bytes: [UInt8](repeating: 0x55, count: 40)))
        var truncated = (try? PcapFile.rawFixture("dtmf_2833_1.pcap")) ?? []
        truncated.removeLast(5)
        XCTAssertThrowsError(try PcapFile(bytes: truncated))
    }
}

extension PcapFile {
    /// The bytes of a fixture, for tests that damage them.
    static func rawFixture(_ name: String, file: String = #filePath) throws -> [UInt8] {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent("Fixtures").appendingPathComponent(name)))
    }
}
