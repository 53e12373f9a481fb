import Control
import Foundation
import XCTest

final class ServerLifecycleTests: XCTestCase {
    func testAPortInUseIsAClearErrorAndTheServerCanStartAgainAfterStop() async throws {
        let first = try ControlServer(configuration: ControlConfiguration(port: 0), services: ControlServices())
        let port = try await first.start()
        let second = try ControlServer(configuration: ControlConfiguration(port: port), services: ControlServices())
        do {
            try await second.start()
            XCTFail("two servers bound \(port)")
            await second.stop()
        } catch let error as ControlServerError {
            guard case .bindFailed(let host, let failedPort, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1")
            XCTAssertEqual(failedPort, port)
        }
        await first.stop()
        XCTAssertNil(first.port)
        let again = try await first.start()
        XCTAssertGreaterThan(again, 0)
        let client = try ControlClient(baseURL: "http://127.0.0.1:\(again)")
        let health = try await client.raw(.GET, "/health")
        XCTAssertEqual(health.status, 200)
        // The restarted server streams events again (stop had closed the previous streams).
        let reader = Task {
            try await client.stream("/events") { _ in false }
        }
        for _ in 0..<2_000 where first.services.events.subscriberCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        first.services.events.publish(.callAnswered)
        try await reader.value
        await first.stop()
        // A server whose start failed can be started again once the port is free.
        let retried = try await second.start()
        XCTAssertEqual(retried, port)
        await second.stop()
    }
}
