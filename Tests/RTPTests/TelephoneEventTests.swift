import RTP
import XCTest

/// RFC 4733 §2.3 telephone-event blocks and the DTMF digit mapping (§3.2).
final class TelephoneEventTests: XCTestCase {
    func testAnnotatedBlocksParse() throws {
        let cases: [(bytes: [UInt8], event: TelephoneEvent)] = [
            (hex("05 0a 00 a0   # digit 5 | E=0 R=0 volume 10 | duration 160"),
             TelephoneEvent(event: 5, end: false, volume: 10, duration: 160)),
            (hex("0b 8a 03 20   # digit # | E=1 R=0 volume 10 | duration 800"),
             TelephoneEvent(event: 11, end: true, volume: 10, duration: 800)),
            (hex("00 3f ff ff   # digit 0 | E=0 volume 63 | duration 65535"),
             TelephoneEvent(event: 0, end: false, volume: 63, duration: 65535)),
            (hex("10 80 00 00   # event 16 (flash) | E=1 volume 0 | duration 0"),
             TelephoneEvent(event: 16, end: true, volume: 0, duration: 0)),
        ]
        for (bytes, expected) in cases {
            XCTAssertEqual(try TelephoneEvent(parsing: bytes), expected)
            XCTAssertEqual(expected.serialized(), bytes)
        }
    }

    func testReservedBitIsIgnoredOnParseAndClearedOnSend() throws {
        let event = try TelephoneEvent(parsing: hex("09 ca 01 40   # digit 9 | E=1 R=1 volume 10 | 320"))
        XCTAssertEqual(event, TelephoneEvent(event: 9, end: true, volume: 10, duration: 320))
        XCTAssertEqual(event.serialized(), hex("09 8a 01 40"))
    }

    func testTrailingBlocksAreIgnored() throws {
        let event = try TelephoneEvent(parsing: hex("01 0a 00 a0  02 8a 01 40"))
        XCTAssertEqual(event.event, 1)
        XCTAssertEqual(event.duration, 160)
    }

    func testShortPayloadsThrowTooShort() {
        for count in 0..<4 {
            XCTAssertThrowsError(try TelephoneEvent(parsing: [UInt8](repeating: 1, count: count))) { error in
                XCTAssertEqual((error as? RTPError)?.kind, .tooShort)
                XCTAssertTrue((error as? RTPError)?.detail.contains("\(count) bytes") ?? false)
            }
        }
    }

    func testEveryFieldValueRoundTrips() throws {
        for event in 0...255 {
            for volume in [0, 1, 10, 36, 62, 63] {
                for end in [false, true] {
                    for duration in [0, 1, 160, 0x1234, 65535] as [UInt16] {
                        let value = TelephoneEvent(event: UInt8(event), end: end, volume: UInt8(volume), duration: duration)
                        let bytes = value.serialized()
                        XCTAssertEqual(bytes.count, TelephoneEvent.size)
                        XCTAssertEqual(try TelephoneEvent(parsing: bytes), value)
                    }
                }
            }
        }
    }

    func testOutOfRangeVolumeIsSentAsTheQuietestLevel() {
        let loud = TelephoneEvent(event: 1, end: false, volume: 200, duration: 0)
        XCTAssertEqual(loud.serialized(), hex("01 3f 00 00"))
    }

    /// A digit sent as RFC 4733 §2.5.1 describes: every packet carries the event's start
    /// timestamp, the first has the marker bit, the duration grows by one packet time (160 units
    /// at 8 kHz), and the final packet has E set and is sent three times.
    func testRFC4733DigitSequenceRoundTripsThroughRTP() throws {
        let wire: [[UInt8]] = [
            hex("80 e5 00 64  00 00 3e 80  11 22 33 44   01 0a 00 a0   # M=1 PT=101 seq 100 ts 16000 | '1' 160"),
            hex("80 65 00 65  00 00 3e 80  11 22 33 44   01 0a 01 40   # seq 101 | '1' 320"),
            hex("80 65 00 66  00 00 3e 80  11 22 33 44   01 0a 01 e0   # seq 102 | '1' 480"),
            hex("80 65 00 67  00 00 3e 80  11 22 33 44   01 8a 02 80   # seq 103 | '1' E 640"),
            hex("80 65 00 68  00 00 3e 80  11 22 33 44   01 8a 02 80   # seq 104 | '1' E 640 (repeat)"),
            hex("80 65 00 69  00 00 3e 80  11 22 33 44   01 8a 02 80   # seq 105 | '1' E 640 (repeat)"),
        ]
        var built: [[UInt8]] = []
        for index in 0..<6 {
            let duration = UInt16(min(index + 1, 4) * 160)
            let event = TelephoneEvent(event: TelephoneEvent.event(for: "1") ?? 255, end: index >= 3, volume: 10, duration: duration)
            let packet = RTPPacket(payloadType: 101, sequenceNumber: UInt16(100 + index), timestamp: 16000,
                                   ssrc: 0x1122_3344, marker: index == 0, payload: event.serialized())
            built.append(packet.serialized())
        }
        XCTAssertEqual(built, wire)

        let received = try wire.map { try TelephoneEvent(parsing: RTPPacket(parsing: $0).payload) }
        XCTAssertEqual(received.map(\.digit), Array(repeating: "1", count: 6))
        XCTAssertEqual(received.map(\.duration), [160, 320, 480, 640, 640, 640])
        XCTAssertEqual(received.map(\.end), [false, false, false, true, true, true])
    }

    func testDigitMappingFollowsRFC4733Table() {
        let keys: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]
        for (code, key) in keys.enumerated() {
            XCTAssertEqual(TelephoneEvent(event: UInt8(code), end: false, volume: 0, duration: 0).digit, key)
            XCTAssertEqual(TelephoneEvent.event(for: key), UInt8(code))
        }
        XCTAssertEqual(TelephoneEvent.event(for: "a"), 12)
        XCTAssertEqual(TelephoneEvent.event(for: "d"), 15)
        for code in 16...255 {
            XCTAssertNil(TelephoneEvent(event: UInt8(code), end: false, volume: 0, duration: 0).digit)
        }
        for key: Character in ["E", "e", "+", " ", "ß", "٣", "é"] {
            XCTAssertNil(TelephoneEvent.event(for: key), "\(key)")
        }
    }

    func testDescription() {
        let text = String(describing: TelephoneEvent(event: 10, end: true, volume: 7, duration: 480))
        XCTAssertEqual(text, "TelephoneEvent('*', volume: -7 dBm0, duration: 480, end)")
    }
}
