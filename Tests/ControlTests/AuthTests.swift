import Control
import Foundation
import XCTest

final class AuthTests: XCTestCase {
    func testMissingOrWrongTokenIs401AndTheRightOneWorks() async throws {
        let harness = try await ControlHarness.start(for: self, token: "s3cret-token")
        let anonymous = try ControlClient(baseURL: harness.baseURL)
        let missing = try await anonymous.raw(.GET, "/calls")
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(errorCode(missing), "unauthorized")
        XCTAssertEqual(missing.header("WWW-Authenticate"), "Bearer realm=\"parley\"")
        let wrong = try await harness.request(.GET, "/calls", token: "s3cret-tokem")
        XCTAssertEqual(wrong.status, 401)
        let prefix = try await harness.request(.GET, "/calls", token: "s3cret")
        XCTAssertEqual(prefix.status, 401)
        let basic = try await anonymous.raw(.GET, "/calls", headers: [("Authorization", "Basic czNjcmV0LXRva2Vu")])
        XCTAssertEqual(basic.status, 401)
        try await harness.expect(200, .GET, "/calls")
        let queryToken = try await anonymous.raw(.GET, "/calls", query: [("access_token", "s3cret-token")]).status
        XCTAssertEqual(queryToken, 200)
        // A write without a token must not reach the switch.
        let anonymousHold = try await anonymous.raw(.POST, "/calls/c-1/hold").status
        XCTAssertEqual(anonymousHold, 401)
        XCTAssertTrue(harness.switchControl.operations.isEmpty)
        // Unknown routes do not reveal themselves to anonymous clients.
        let anonymousUnknown = try await anonymous.raw(.GET, "/secret/place").status
        XCTAssertEqual(anonymousUnknown, 401)
    }

    func testThePageAndPublicDocumentsNeedNoToken() async throws {
        let harness = try await ControlHarness.start(for: self, token: "s3cret-token")
        let anonymous = try ControlClient(baseURL: harness.baseURL)
        for path in ["/", "/app.js", "/app.css", "/openapi.yaml", "/health"] {
            let response = try await anonymous.raw(.GET, path)
            XCTAssertEqual(response.status, 200, path)
        }
        let anonymousMetrics = try await anonymous.raw(.GET, "/metrics").status
        XCTAssertEqual(anonymousMetrics, 401)
        let anonymousRecent = try await anonymous.raw(.GET, "/events/recent").status
        XCTAssertEqual(anonymousRecent, 401)
    }

    func testRefusesANonLoopbackAddressWithoutAToken() throws {
        XCTAssertThrowsError(try ControlServer(configuration: ControlConfiguration(host: "0.0.0.0", port: 0),
                                               services: ControlServices())) { error in
            XCTAssertEqual(error as? ControlServerError, .tokenRequired(host: "0.0.0.0"))
            XCTAssertTrue("\(error)".contains("without a token"), "\(error)")
        }
        XCTAssertThrowsError(try ControlServer(configuration: ControlConfiguration(host: "192.0.2.1", port: 0),
                                               services: ControlServices()))
        XCTAssertThrowsError(try ControlServer(configuration: ControlConfiguration(host: "::", port: 0),
                                               services: ControlServices()))
        XCTAssertThrowsError(try ControlServer(configuration: ControlConfiguration(host: "127.0.0.1", port: 0, token: " "),
                                               services: ControlServices())) { error in
            XCTAssertEqual(error as? ControlServerError, .emptyToken)
        }
        XCTAssertThrowsError(try ControlServer(configuration: ControlConfiguration(port: 70_000),
                                               services: ControlServices()))
        XCTAssertNoThrow(try ControlServer(configuration: ControlConfiguration(host: "0.0.0.0", port: 0, token: "t"),
                                           services: ControlServices()))
        XCTAssertNoThrow(try ControlServer(configuration: ControlConfiguration(host: "::1", port: 0),
                                           services: ControlServices()))
    }

    func testLoopbackDetection() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"] {
            XCTAssertTrue(ControlConfiguration.isLoopback(host), host)
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.1.5", "example.com", "", "127.0.0.256"] {
            XCTAssertFalse(ControlConfiguration.isLoopback(host), host)
        }
    }
}
