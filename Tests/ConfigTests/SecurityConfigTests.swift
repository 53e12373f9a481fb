import Foundation
import ParleyConfig
import XCTest

final class SecurityConfigTests: XCTestCase {
    func testDefaultsWithoutASecuritySection() throws {
        let security = try ConfigFixture.parse("log:\n  level: info\n").security
        XCTAssertEqual(security.authFailuresBeforeBlock, 20)
        XCTAssertEqual(security.authFailureWindowSeconds, 60)
        XCTAssertEqual(security.blockSeconds, 600)
        XCTAssertEqual(security.trusted, [])
        XCTAssertFalse(security.isTrusted("127.0.0.1"))
    }

    func testValuesAreRead() throws {
        let security = try ConfigFixture.parse("""
            security:
              auth_failures_before_block: 5
              auth_failure_window_s: 30
              block_s: 3600
              trusted: [10.0.0.0/8, 192.0.2.7, "fd00::/8"]
            """).security
        XCTAssertEqual(security.authFailuresBeforeBlock, 5)
        XCTAssertEqual(security.authFailureWindowSeconds, 30)
        XCTAssertEqual(security.blockSeconds, 3600)
        XCTAssertEqual(security.trusted.map(\.description), ["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"])
        XCTAssertTrue(security.isTrusted("10.200.3.4"))
        XCTAssertTrue(security.isTrusted("192.0.2.7"))
        XCTAssertFalse(security.isTrusted("192.0.2.8"))
        XCTAssertTrue(security.isTrusted("fd12:3456::1"))
        XCTAssertFalse(security.isTrusted("fe80::1"))
        XCTAssertFalse(security.isTrusted("11.0.0.1"))
    }

    func testSecurityErrors() {
        assertConfigError("security:\n  auth_failures_before_block: 0\n", line: 2, containing: "out of range 1...100000")
        assertConfigError("security:\n  auth_failure_window_s: 0\n", line: 2, containing: "out of range 1...86400")
        assertConfigError("security:\n  block_s: 604801\n", line: 2, containing: "out of range 1...604800")
        assertConfigError("security:\n  block_s: soon\n", line: 2, containing: "expected a whole number")
        assertConfigError("security:\n  trusted: [10.0.0.0/8, 10.0.0.1/8]\n", line: 2, containing: "did you mean 10.0.0.0/8")
        assertConfigError("security:\n  trusted:\n    - 10.0.0.0/8\n    - bad\n", line: 4, containing: "'bad' is not an IPv4 or IPv6 address")
        assertConfigError("security:\n  trusted: 10.0.0.0/8\n", line: 2, containing: "expected a list")
        assertConfigError("security:\n  ban_s: 3\n", line: 2, containing: "unknown key 'security.ban_s'")
    }
}
