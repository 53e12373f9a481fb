import RTP
import XCTest

/// SIP INFO DTMF bodies: `application/dtmf-relay` and `application/dtmf`.
final class DTMFInfoBodyTests: XCTestCase {
    private func parse(_ text: String, _ type: String = "application/dtmf-relay") throws -> DTMFInfoBody {
        try DTMFInfoBody(parsing: Array(text.utf8), contentType: type)
    }

    private func kind(_ text: String, _ type: String = "application/dtmf-relay") -> DTMFError.Kind? {
        do {
            _ = try parse(text, type)
            return nil
        } catch {
            return (error as? DTMFError)?.kind
        }
    }

    func testGoodRelayBodies() throws {
        let cases: [(String, UInt8, Int?)] = [
            ("Signal=5\r\nDuration=160\r\n", 5, 160),
            ("Signal=5\r\nDuration=160", 5, 160),
            ("signal= *\nduration = 250\n", 10, 250),
            ("Signal=#\r\n", 11, nil),
            ("  Signal = d \r\n\r\nDuration=100\r\n", 15, 100),
            ("Duration=300\r\nSignal=0\r\n", 0, 300),
            ("Signal=10\r\nDuration=120\r\n", 10, 120),
            ("Signal=1\r\nDuration=80\r\nVolume=10\r\n", 1, 80),
        ]
        for (text, event, duration) in cases {
            let body = try parse(text)
            XCTAssertEqual(body, DTMFInfoBody(format: .dtmfRelay, event: event, durationMs: duration), text)
        }
    }

    func testDigitConversion() throws {
        let digit = try XCTUnwrap(try parse("Signal=5\r\nDuration=160\r\n").digit())
        XCTAssertEqual(digit.digit, "5")
        XCTAssertEqual(digit.durationMs, 160)
        XCTAssertEqual(digit.duration, 1280)
        XCTAssertEqual(digit.source, .sipInfo)
        XCTAssertNil(digit.startTimestamp)
        XCTAssertEqual(try parse("Signal=B").digit(defaultDurationMs: 100)?.durationMs, 100)
    }

    func testGoodSingleDigitBodies() throws {
        for (text, event) in [("5", UInt8(5)), ("*\r\n", 10), (" #", 11), ("a", 12), ("11", 11)] {
            XCTAssertEqual(try parse(text, "application/dtmf"), DTMFInfoBody(format: .dtmf, event: event), text)
        }
    }

    func testContentTypeIsMatchedWithoutCaseOrParameters() throws {
        XCTAssertEqual(try parse("Signal=3", "Application/DTMF-Relay; charset=utf-8").event, 3)
        XCTAssertEqual(try parse("3", " application/dtmf ").event, 3)
        XCTAssertEqual(kind("Signal=3", "text/plain"), .unsupportedContentType)
        XCTAssertEqual(kind("Signal=3", ""), .unsupportedContentType)
    }

    func testBadBodiesThrowTypedErrors() {
        XCTAssertEqual(kind(""), .missingSignal)
        XCTAssertEqual(kind("Duration=100\r\n"), .missingSignal)
        XCTAssertEqual(kind("Signal=!\r\nDuration=100"), .unknownDigit, "hook flash is not a digit")
        XCTAssertEqual(kind("Signal=E"), .unknownDigit)
        XCTAssertEqual(kind("Signal=16"), .unknownDigit)
        XCTAssertEqual(kind("Signal=55"), .unknownDigit)
        XCTAssertEqual(kind("Signal="), .unknownDigit)
        XCTAssertEqual(kind("Signal=5\r\nDuration=abc"), .badDuration)
        XCTAssertEqual(kind("Signal=5\r\nDuration=-5"), .badDuration)
        XCTAssertEqual(kind("Signal=5\r\nDuration=0"), .badDuration)
        XCTAssertEqual(kind("Signal=5\r\nDuration=99999999999999999999"), .badDuration)
        XCTAssertEqual(kind("Signal=5\r\nSignal=6"), .duplicateField)
        XCTAssertEqual(kind("Signal=5\r\nDuration=1\r\nDuration=2"), .duplicateField)
        XCTAssertEqual(kind("Signal 5"), .malformedBody)
        XCTAssertEqual(kind("", "application/dtmf"), .missingSignal)
        XCTAssertEqual(kind("16", "application/dtmf"), .unknownDigit, "only one key or an event code 0-15")
        XCTAssertEqual(try parse("12", "application/dtmf").event, 12)
        XCTAssertEqual(kind("5 6", "application/dtmf"), .unknownDigit)
        XCTAssertEqual(kind(String(repeating: "x", count: 2000)), .malformedBody)
        XCTAssertThrowsError(try DTMFInfoBody(parsing: [0x53, 0xFF, 0xFE], contentType: "application/dtmf")) {
            XCTAssertEqual(($0 as? DTMFError)?.kind, .malformedBody)
        }
    }

    func testRoundTrips() throws {
        let bodies = [
            DTMFInfoBody(format: .dtmfRelay, event: 11, durationMs: 250),
            DTMFInfoBody(format: .dtmfRelay, event: 3),
            DTMFInfoBody(format: .dtmf, event: 10),
        ]
        for body in bodies {
            XCTAssertEqual(try DTMFInfoBody(parsing: body.serialized(), contentType: body.format.contentType), body)
        }
        XCTAssertEqual(String(decoding: bodies[0].serialized(), as: UTF8.self), "Signal=#\r\nDuration=250\r\n")
    }

    func testRandomBytesNeverTrap() {
        var random = SeededGenerator(seed: 99)
        let alphabet = Array("Signal=Duration0123456789*#ABCD\r\n =-x".utf8) + [0xFF, 0x00]
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? 0 }
            for type in ["application/dtmf-relay", "application/dtmf"] {
                if let body = try? DTMFInfoBody(parsing: bytes, contentType: type) {
                    XCTAssertLessThanOrEqual(body.event, 15)
                }
            }
        }
    }
}
