import Foundation
import XCTest

@testable import Trunks

/// Failures with one registrar: back-off, jitter, Retry-After, authentication, 423, timeouts.
final class TrunkFailureTests: XCTestCase {
    /// Fails `count` attempts in a row with `status` and returns the retry delays planned.
    private func retryDelays(_ driver: inout TrunkDriver, count: Int, status: Int = 503,
                             retryAfter: Int? = nil) -> [TimeInterval] {
        var delays: [TimeInterval] = []
        for _ in 0..<count {
            driver.respond(status, "Failing", retryAfter: retryAfter)
            delays.append(driver.delay(of: .retry) ?? -1)
            driver.fire(.retry)
        }
        return delays
    }

    func testBackoffDoublesFromThirtySecondsToThirtyMinutes() throws {
        var driver = try TrunkDriver(random: FixedRandom.low)  // no jitter taken off
        driver.handle(.start)
        let delays = retryDelays(&driver, count: 9)
        XCTAssertEqual(delays, [30, 60, 120, 240, 480, 960, 1800, 1800, 1800])
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 9)
        XCTAssertEqual(driver.sent.count, 10)
        XCTAssertTrue(driver.sent.allSatisfy { $0.registrar == TrunkDriver.primary })
    }

    func testJitterTakesAtMostAQuarterOff() throws {
        var driver = try TrunkDriver(random: FixedRandom.high)  // the most jitter
        driver.handle(.start)
        let delays = retryDelays(&driver, count: 3)
        XCTAssertEqual(delays[0], 22.5, accuracy: 0.01)
        XCTAssertEqual(delays[1], 45, accuracy: 0.01)
        XCTAssertEqual(delays[2], 90, accuracy: 0.01)

        var seeded = try TrunkDriver(random: SeededRandom(state: 42))
        seeded.handle(.start)
        let spread = retryDelays(&seeded, count: 12)
        for (index, delay) in spread.enumerated() {
            let base = min(30 * pow(2, Double(index)), 1800)
            XCTAssertGreaterThanOrEqual(delay, base * 0.75 - 0.001, "attempt \(index + 1)")
            XCTAssertLessThanOrEqual(delay, base + 0.001, "attempt \(index + 1)")
        }
        XCTAssertGreaterThan(Set(spread.map { ($0 * 1000).rounded() }).count, 3, "jitter varies")
    }

    func testFailureStateNamesReasonAndRetryTime() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        driver.respond(480, "Temporarily Unavailable")
        let retryAt = driver.now.addingTimeInterval(30)
        XCTAssertEqual(driver.state, .failed(reason: .rejected(status: 480, phrase: "Temporarily Unavailable"), retryAt: retryAt))
        let status = driver.machine.status
        XCTAssertEqual(status.nextAttempt, retryAt)
        XCTAssertEqual(status.lastStatusCode, 480)
        XCTAssertEqual(status.lastFailure, .rejected(status: 480, phrase: "Temporarily Unavailable"))
        driver.fire(.retry)
        XCTAssertEqual(driver.state, .registering)
        driver.respond(200, "OK", expires: 60)
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 0, "a success resets the count")
        XCTAssertEqual(driver.machine.status.lastFailure, .rejected(status: 480, phrase: "Temporarily Unavailable"),
                       "the last failure stays on record")
    }

    func testRetryAfterIsHonouredAndCapped() throws {
        var longer = try TrunkDriver()
        longer.handle(.start)
        XCTAssertEqual(retryDelays(&longer, count: 1, retryAfter: 120), [120])

        var shorter = try TrunkDriver()
        shorter.handle(.start)
        XCTAssertEqual(retryDelays(&shorter, count: 1, retryAfter: 5), [30], "never sooner than the back-off")

        var huge = try TrunkDriver()
        huge.handle(.start)
        XCTAssertEqual(retryDelays(&huge, count: 1, retryAfter: 10_000_000), [3600], "capped at maximumRetryAfter")
    }

    func testFinalAuthenticationFailuresBackOffFiveMinutes() throws {
        for status in [401, 403, 407] {
            var driver = try TrunkDriver()
            driver.handle(.start)
            driver.respond(status, "Nope")
            XCTAssertEqual(driver.state, .failed(reason: .authentication(status: status, phrase: "Nope"),
                                                 retryAt: driver.now.addingTimeInterval(300)), "\(status)")
            XCTAssertEqual(driver.machine.status.lastFailure?.isAuthentication, true)
            // The second failure waits as long: credentials do not heal by themselves faster.
            driver.fire(.retry)
            driver.respond(status, "Nope")
            XCTAssertEqual(driver.delay(of: .retry), 300, "\(status)")
        }
    }

    func testIntervalTooBriefRetriesAtOnceWithMinExpires() throws {
        var driver = try TrunkDriver { $0.expires = 60 }
        driver.handle(.start)
        driver.respond(423, "Interval Too Brief", minExpires: 600)
        XCTAssertEqual(driver.lastSent.map(\.expires), [600], "asks again at once with Min-Expires")
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.primary)
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 0, "not a failure")
        XCTAssertNil(driver.timer(.retry))
        driver.respond(200, "OK", expires: 600)
        XCTAssertEqual(driver.state, .registered(until: driver.now.addingTimeInterval(600)))
        driver.fire(.refresh)
        XCTAssertEqual(driver.lastSent.first?.expires, 600, "refreshes keep the raised interval")
    }

    func testIntervalTooBriefWithoutUsableMinExpiresIsAFailure() throws {
        for minExpires in [nil, 3600, 100, 10_000_000] as [Int?] {
            var driver = try TrunkDriver()  // asks for 3600
            driver.handle(.start)
            driver.respond(423, "Interval Too Brief", minExpires: minExpires)
            guard case .failed(.protocolViolation, _) = driver.state else {
                XCTFail("Min-Expires \(String(describing: minExpires)): \(driver.state)")
                continue
            }
            XCTAssertEqual(driver.delay(of: .retry), 30)
        }
    }

    func testRepeatedIntervalTooBriefIsBounded() throws {
        var driver = try TrunkDriver { $0.expires = 10 }
        driver.handle(.start)
        var minimum = 20
        for _ in 0..<3 {
            driver.respond(423, "Interval Too Brief", minExpires: minimum)
            XCTAssertEqual(driver.lastSent.first?.expires, minimum)
            minimum *= 2
        }
        driver.respond(423, "Interval Too Brief", minExpires: minimum)
        guard case .failed(.protocolViolation, _) = driver.state else { return XCTFail("\(driver.state)") }
        XCTAssertEqual(driver.sent.count, 4)
    }

    func testTimeoutsAndTransportErrorsAreFailures() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        let first = try XCTUnwrap(driver.outstanding)
        driver.handle(.timedOut(requestID: first.id))
        XCTAssertEqual(driver.machine.status.lastFailure, .noResponse)
        XCTAssertNil(driver.machine.status.lastStatusCode)
        XCTAssertNil(driver.timer(.responseGuard))
        driver.fire(.retry)
        let second = try XCTUnwrap(driver.outstanding)
        driver.handle(.transportError(requestID: second.id, description: "ECONNREFUSED"))
        XCTAssertEqual(driver.machine.status.lastFailure, .transport("ECONNREFUSED"))
        XCTAssertEqual(driver.delay(of: .retry), 60)
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 2)
    }

    func testResponseGuardFiresWhenTheSIPLayerNeverAnswers() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        driver.advance(by: 39)
        XCTAssertEqual(driver.state, .registering)
        driver.advance(by: 2)
        XCTAssertEqual(driver.machine.status.lastFailure, .noResponse)
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 1)
        XCTAssertNotNil(driver.timer(.retry))
    }

    func testSuccessGrantingNoTimeIsAFailure() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        driver.respond(200, "OK", expires: 0)
        guard case .failed(.protocolViolation, _) = driver.state else { return XCTFail("\(driver.state)") }
        XCTAssertNil(driver.machine.status.registeredUntil)
    }

    func testFailedRefreshKeepsTheBindingOnRecordAndRetries() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 600)
        let until = try XCTUnwrap(driver.machine.status.registeredUntil)
        driver.fire(.refresh)
        driver.respond(500, "Server Error")
        XCTAssertEqual(driver.machine.status.registeredUntil, until)
        XCTAssertTrue(driver.machine.status.isRegistered(at: driver.now))
        driver.fire(.retry)
        XCTAssertEqual(driver.state, .registering)
        driver.respond(200, "OK", expires: 600)
        XCTAssertEqual(driver.state, .registered(until: driver.now.addingTimeInterval(600)))
    }

    func testInvalidConfigurationsAreRefused() {
        let bad: [(String, (inout TrunkRegistration.Configuration) -> Void)] = [
            ("primaryRegistrar", { $0.primaryRegistrar = " " }),
            ("secondaryRegistrar", { $0.secondaryRegistrar = "" }),
            ("expires", { $0.expires = 0 }),
            ("refreshWindow", { $0.refreshWindow = 0.5...1.0 }),
            ("backoff", { $0.backoff.multiplier = 0.5 }),
            ("backoff", { $0.backoff.maximum = .seconds(1) }),
            ("backoff", { $0.backoff.jitter = 1.5 }),
            ("failoverAfter", { $0.failoverAfter = 0 }),
            ("responseTimeout", { $0.responseTimeout = .zero }),
        ]
        for (setting, change) in bad {
            XCTAssertThrowsError(try TrunkDriver(configure: change), setting) { error in
                XCTAssertEqual((error as? TrunkConfigurationError)?.setting, setting)
            }
        }
    }
}
