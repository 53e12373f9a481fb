import RTP
import XCTest

/// Wrap-aware sequence-number and timestamp comparison.
final class SerialTests: XCTestCase {
    func testSequenceNumbersAcrossTheWrap() {
        XCTAssertTrue(Serial.isNewer(0 as UInt16, than: 65535))
        XCTAssertFalse(Serial.isNewer(65535 as UInt16, than: 0))
        XCTAssertTrue(Serial.isNewer(5 as UInt16, than: 65530))
        XCTAssertEqual(Serial.distance(from: 65535 as UInt16, to: 1), 2)
        XCTAssertEqual(Serial.distance(from: 1 as UInt16, to: 65535), -2)
        XCTAssertEqual(Serial.distance(from: 65000 as UInt16, to: 1000), 1536)
    }

    func testSequenceNumbersWithoutWrap() {
        XCTAssertTrue(Serial.isNewer(101 as UInt16, than: 100))
        XCTAssertFalse(Serial.isNewer(100 as UInt16, than: 101))
        XCTAssertFalse(Serial.isNewer(100 as UInt16, than: 100))
        XCTAssertEqual(Serial.distance(from: 100 as UInt16, to: 100), 0)
        XCTAssertEqual(Serial.distance(from: 0 as UInt16, to: 32767), 32767)
        XCTAssertTrue(Serial.isNewer(32767 as UInt16, than: 0))
        XCTAssertEqual(Serial.distance(from: 0 as UInt16, to: 32769), -32767)
        XCTAssertFalse(Serial.isNewer(32769 as UInt16, than: 0))
    }

    func testExactlyHalfTheCircleIsNeitherNewer() {
        XCTAssertFalse(Serial.isNewer(32768 as UInt16, than: 0))
        XCTAssertFalse(Serial.isNewer(0 as UInt16, than: 32768))
        XCTAssertEqual(Serial.distance(from: 0 as UInt16, to: 32768), -32768)
        XCTAssertEqual(Serial.distance(from: 32768 as UInt16, to: 0), -32768)
        XCTAssertFalse(Serial.isNewer(0x8000_0000 as UInt32, than: 0))
        XCTAssertFalse(Serial.isNewer(0 as UInt32, than: 0x8000_0000))
        XCTAssertEqual(Serial.distance(from: 0 as UInt32, to: 0x8000_0000), -2_147_483_648)
    }

    func testTimestampsAcrossTheWrap() {
        XCTAssertTrue(Serial.isNewer(159 as UInt32, than: 0xFFFF_FFFF))
        XCTAssertFalse(Serial.isNewer(0xFFFF_FFFF as UInt32, than: 159))
        XCTAssertEqual(Serial.distance(from: 0xFFFF_FF60 as UInt32, to: 0), 160)
        XCTAssertEqual(Serial.distance(from: 0 as UInt32, to: 0xFFFF_FF60), -160)
        XCTAssertEqual(Serial.distance(from: 1000 as UInt32, to: 1160), 160)
        XCTAssertEqual(Serial.distance(from: 0 as UInt32, to: 0x7FFF_FFFF), 2_147_483_647)
    }

    func testDistanceIsAntisymmetricAndConsistentWithIsNewer() {
        var random = SeededGenerator(seed: 1982)
        for _ in 0..<20_000 {
            let a = UInt16.random(in: 0...UInt16.max, using: &random)
            let b = UInt16.random(in: 0...UInt16.max, using: &random)
            let forward = Serial.distance(from: a, to: b)
            XCTAssertEqual(b, a &+ UInt16(truncatingIfNeeded: forward), "distance lands on the target")
            if forward != -32768 {
                XCTAssertEqual(Serial.distance(from: b, to: a), -forward)
            }
            XCTAssertEqual(Serial.isNewer(b, than: a), forward > 0)

            let x = UInt32.random(in: 0...UInt32.max, using: &random)
            let y = UInt32.random(in: 0...UInt32.max, using: &random)
            let span = Serial.distance(from: x, to: y)
            XCTAssertEqual(y, x &+ UInt32(truncatingIfNeeded: span))
            XCTAssertEqual(Serial.isNewer(y, than: x), span > 0)
        }
    }
}
