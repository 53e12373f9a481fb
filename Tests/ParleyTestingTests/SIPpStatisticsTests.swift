import XCTest

@testable import ParleyTesting

final class SIPpStatisticsTests: XCTestCase {
    // The first columns of a real sipp 3.6.1 -trace_stat header, and two dump lines.
    private let header = "StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);"
        + "CallRate(C);IncomingCall(P);IncomingCall(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;"
        + "SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedCannotSendMessage(P);"
    private let early = "2026-11-21\t06:39:41.524122\t1795243181.524122;x;y;00:00:00;00:00:00;10;0;7.2;0;0;0;3;3;3;0;0;0;0;0;"
    private let final = "2026-11-21\t06:39:41.524122\t1795243181.524122;x;y;00:00:00;00:00:01;10;0;7.2;0;0;0;12;12;0;2;10;0;2;0;"

    func testLastCompleteLineOfCSVWins() throws {
        let statistics = try XCTUnwrap(SIPpStatistics(csv: [header, early, final].joined(separator: "\n") + "\n"))
        XCTAssertEqual(statistics, SIPpStatistics(successfulCalls: 10, failedCalls: 2))
    }

    func testTruncatedLastLineFallsBackToThePreviousOne() throws {
        let cut = String(final.prefix(40))
        let statistics = try XCTUnwrap(SIPpStatistics(csv: [header, early, cut].joined(separator: "\r\n")))
        XCTAssertEqual(statistics, SIPpStatistics(successfulCalls: 0, failedCalls: 0))
    }

    func testCSVWithoutTheColumnsOrDataIsNil() {
        XCTAssertNil(SIPpStatistics(csv: ""))
        XCTAssertNil(SIPpStatistics(csv: header))
        XCTAssertNil(SIPpStatistics(csv: "A;B;C\n1;2;3"))
    }

    func testFinalScreen() throws {
        let screen = """
          Counter Name           | Periodic value            | Cumulative value
        -------------------------+---------------------------+--------------------------
          Successful call        |        0                  |        3
          Failed call            |        0                  |        0
        ------------------------------ Test Terminated --------------------------------
          Successful call        |        1                  |        9
          Failed call            |        1                  |        1
        """
        XCTAssertEqual(SIPpStatistics(screen: screen), SIPpStatistics(successfulCalls: 9, failedCalls: 1))
        XCTAssertNil(SIPpStatistics(screen: "sipp: fatal error"))
    }
}
