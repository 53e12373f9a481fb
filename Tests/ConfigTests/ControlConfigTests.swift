import Foundation
import ParleyConfig
import XCTest

final class ControlConfigTests: XCTestCase {
    func testDefaultsServeOnLoopbackWithoutAToken() throws {
        let control = try ConfigFixture.parse("log:\n  level: info\n").control
        XCTAssertTrue(control.enabled)
        XCTAssertEqual(control.listen, "127.0.0.1")
        XCTAssertEqual(control.port, 8089)
        XCTAssertNil(control.token)
        XCTAssertTrue(control.isLoopback)
    }

    func testValuesAreRead() throws {
        let control = try ConfigFixture.parse("""
            control:
              enabled: false
              listen: "::1"
              port: 0
              token: 0123456789abcdef-token
            """).control
        XCTAssertFalse(control.enabled)
        XCTAssertEqual(control.listen, "::1")
        XCTAssertEqual(control.port, 0)
        XCTAssertEqual(control.token, "0123456789abcdef-token")
        XCTAssertNil(control.tokenEnvironmentVariable)
    }

    func testANetworkAddressNeedsAToken() throws {
        assertConfigError("control:\n  port: 9000\n  listen: 0.0.0.0\n", line: 3, containing: "needs a token")
        let open = try ConfigFixture.parse("control:\n  listen: 192.0.2.1\n  token: a-long-enough-secret-token\n").control
        XCTAssertEqual(open.listen, "192.0.2.1")
        XCTAssertFalse(open.isLoopback)
        // A disabled API binds nothing, so it needs nothing.
        XCTAssertFalse(try ConfigFixture.parse("control:\n  enabled: false\n  listen: 0.0.0.0\n").control.enabled)
    }

    func testTheTokenComesFromTheNamedEnvironmentVariable() throws {
        let name = "PARLEY_CONFIG_TEST_TOKEN_\(UInt32.random(in: 1...UInt32.max))"
        setenv(name, "token-from-the-environment-1234", 1)
        defer { unsetenv(name) }
        let control = try ConfigFixture.parse("control:\n  listen: 0.0.0.0\n  token_env: \(name)\n").control
        XCTAssertEqual(control.token, "token-from-the-environment-1234")
        XCTAssertEqual(control.tokenEnvironmentVariable, name)
        assertConfigError("control:\n  token_env: \(name)_UNSET\n", line: 2, containing: "is not set")
    }

    func testControlErrors() {
        assertConfigError("control:\n  listen: example.org\n", line: 2, containing: "is not an IPv4 or IPv6 address")
        assertConfigError("control:\n  port: 70000\n", line: 2, containing: "out of range 0...65535")
        assertConfigError("control:\n  token: short\n", line: 2, containing: "at least 16 characters")
        assertConfigError("control:\n  token: \"has spaces in the middle\"\n", line: 2, containing: "must not contain spaces")
        assertConfigError("control:\n  token: a-long-enough-secret-token\n  token_env: X\n", line: 3, containing: "not both")
        assertConfigError("control:\n  enabled: maybe\n", line: 2, containing: "expected true or false")
        assertConfigError("control:\n  tls: true\n", line: 2, containing: "unknown key 'control.tls'")
    }
}
