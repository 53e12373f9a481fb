@testable import Agent
import Foundation
import XCTest

/// The benchmark runs and reports sane numbers (no timing assertions: the machine may be slow).
final class AgentBenchmarkTests: XCTestCase {
    func testTheBenchmarkRunsAndPrintsOneJSONLine() async throws {
        let directory = try TempDirectory()
        let report = try await AgentBenchmark.run(definition: RepoAgents.receptionist(), directory: directory.url,
                                                  conversations: 2, turnsEach: 10, queries: 50)
        XCTAssertTrue((16...20).contains(report.turns), "all turns but the warm-up ones: \(report.turns)")
        XCTAssertGreaterThan(report.passages, 10)
        XCTAssertLessThanOrEqual(report.workflowOverheadP50Microseconds, report.turnP50Microseconds)
        XCTAssertGreaterThan(report.turnP50Microseconds, 0)
        let line = report.jsonLine
        XCTAssertFalse(line.contains("\n"))
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["turns"] as? Int, report.turns)
        XCTAssertNotNil(parsed["workflow_overhead_p50_us"] as? Int)
        XCTAssertNotNil(parsed["bm25_query_p50_us"] as? Int)
        print(line)
    }
}
