import Control
import Foundation
import XCTest

final class ControlJSONTests: XCTestCase {
    func testTimestampsParseInTheFormsTheDocumentAllows() throws {
        let expected = Date(timeIntervalSince1970: 1_700_000_000)
        XCTAssertEqual(ControlJSON.parseTimestamp("2023-11-14T22:13:20Z"), expected)
        XCTAssertEqual(ControlJSON.parseTimestamp("2023-11-14T22:13:20.000Z"), expected)
        XCTAssertEqual(ControlJSON.parseTimestamp("2023-11-14T23:13:20+01:00"), expected)
        XCTAssertEqual(ControlJSON.parseTimestamp("2023-11-14T22:13:20.5Z"), expected.addingTimeInterval(0.5))
        XCTAssertEqual(ControlJSON.parseTimestamp("2023-11-14"), Date(timeIntervalSince1970: 1_699_920_000))
        for bad in ["", "yesterday", "2023-13-01", "2023-11-14T25:00:00Z", "1700000000", "2023-11-14T22:13:20"] {
            XCTAssertNil(ControlJSON.parseTimestamp(bad), bad)
        }
        XCTAssertEqual(ControlJSON.formatTimestamp(expected.addingTimeInterval(0.125)), "2023-11-14T22:13:20.125Z")
    }

    func testErrorBodiesHaveTheDocumentedShape() throws {
        let data = try ControlJSON.encode(ControlErrorBody(.unknownCall("c-9")))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"error":{"code":"unknown_call","message":"no call c-9"}}"#)
        XCTAssertEqual(ControlError.unknownCall("c-9").statusCode, 404)
        XCTAssertEqual(ControlError.wrongState("x").statusCode, 409)
        XCTAssertEqual(ControlError.badRequest("x").statusCode, 400)
        XCTAssertEqual(ControlError.updateRejected("x").statusCode, 422)
    }
}
