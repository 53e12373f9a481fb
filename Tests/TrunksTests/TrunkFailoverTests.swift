import Foundation
import XCTest

@testable import Trunks

/// Two registrars: switching after consecutive failures, alternating, and returning to the
/// primary after a successful period or on a restart.
final class TrunkFailoverTests: XCTestCase {
    func testSwitchesToSecondaryAfterTwoFailuresAndAlternates() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Down")                       // primary, failure 1: back off 30 s
        XCTAssertEqual(driver.delay(of: .retry), 30)
        driver.fire(.retry)
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.primary)
        driver.respond(503, "Down")                       // primary, failure 2: switch at once
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.secondary)
        XCTAssertNil(driver.timer(.retry))
        XCTAssertTrue(driver.machine.status.usingSecondary)
        XCTAssertEqual(driver.machine.status.registrar, TrunkDriver.secondary)
        XCTAssertEqual(driver.state, .registering)
        driver.respond(408, "Timeout")                    // secondary, failure 3: back off 120 s
        XCTAssertEqual(driver.delay(of: .retry), 120)
        driver.fire(.retry)
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.secondary)
        driver.respond(408, "Timeout")                    // failure 4: back to the primary at once
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.primary)
        XCTAssertFalse(driver.machine.status.usingSecondary)
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 4)
        XCTAssertTrue(driver.states.contains { if case .failed(.rejected(503, _), _) = $0 { return true }; return false },
                      "each failure is published before the next attempt")
    }

    func testFailoverThresholdAndDelayAreConfigurable() throws {
        var driver = try TrunkDriver(secondary: true) {
            $0.failoverAfter = 1
            $0.failoverDelay = .seconds(2)
        }
        driver.handle(.start)
        driver.respond(503, "Down")
        XCTAssertEqual(driver.delay(of: .retry), 2)
        driver.fire(.retry)
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.secondary)
    }

    func testRetryAfterOfOneRegistrarDoesNotDelayTheOther() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Down", retryAfter: 600)
        XCTAssertEqual(driver.delay(of: .retry), 600)
        driver.fire(.retry)
        driver.respond(503, "Down", retryAfter: 600)
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.secondary, "switched at once")
    }

    func testAuthenticationFailuresSwitchButStillWaitLong() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(403, "Forbidden")
        driver.fire(.retry)
        driver.respond(403, "Forbidden")
        XCTAssertTrue(driver.machine.status.usingSecondary)
        XCTAssertEqual(driver.delay(of: .retry), 300)
        XCTAssertEqual(driver.lastSent, [])
    }

    func testReturnsToPrimaryAfterASuccessfulPeriodOnSecondary() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Down")
        driver.fire(.retry)
        driver.respond(503, "Down")
        driver.respond(200, "OK", expires: 3600)          // registered on the secondary
        XCTAssertEqual(driver.delay(of: .returnToPrimary), 1800)
        let (returnTimer, _) = try XCTUnwrap(driver.timer(.returnToPrimary))
        driver.fire(.refresh)
        driver.respond(200, "OK", expires: 3600)
        XCTAssertEqual(driver.timer(.returnToPrimary)?.0, returnTimer, "refreshes do not restart the period")

        driver.fire(.returnToPrimary)
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.primary])
        guard case .registered = driver.state else { return XCTFail("still registered on the secondary: \(driver.state)") }
        driver.respond(200, "OK", expires: 3600)
        XCTAssertFalse(driver.machine.status.usingSecondary)
        XCTAssertEqual(driver.machine.status.registrar, TrunkDriver.primary)
        XCTAssertNil(driver.timer(.returnToPrimary))
        driver.fire(.refresh)
        XCTAssertEqual(driver.lastSent.first?.registrar, TrunkDriver.primary)
    }

    func testFailedProbeOfPrimaryGoesBackToSecondaryAtOnce() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Down")
        driver.fire(.retry)
        driver.respond(503, "Down")
        driver.respond(200, "OK", expires: 3600)
        driver.fire(.returnToPrimary)
        driver.respond(503, "Still down")
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.secondary], "re-registers on the secondary at once")
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 0, "a failed probe is not counted")
        XCTAssertEqual(driver.machine.status.lastFailure, .rejected(status: 503, phrase: "Still down"))
        driver.respond(200, "OK", expires: 3600)
        XCTAssertTrue(driver.machine.status.usingSecondary)
        XCTAssertEqual(driver.delay(of: .returnToPrimary), 1800, "tries again after another period")
    }

    func testReturnWaitsWhileARefreshIsInFlight() throws {
        var driver = try TrunkDriver(secondary: true) { $0.primaryReturnAfter = .seconds(70) }
        driver.handle(.start)
        driver.respond(503, "Down")
        driver.fire(.retry)
        driver.respond(503, "Down")
        driver.respond(200, "OK", expires: 120)           // on the secondary at t = 30; refresh at 90
        driver.fire(.refresh)                             // in flight when the return is due (t = 100)
        driver.advance(by: 20)
        XCTAssertEqual(driver.sent.last?.registrar, TrunkDriver.secondary, "no probe while busy")
        XCTAssertEqual(driver.delay(of: .returnToPrimary) ?? -1, 60, accuracy: 0.01, "re-armed for later")
        driver.respond(200, "OK", expires: 120)
        driver.fire(.returnToPrimary)
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.primary], "probes once idle")
    }

    func testStopAndStartBeginOnPrimaryAgain() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Down")
        driver.fire(.retry)
        driver.respond(503, "Down")
        driver.respond(200, "OK", expires: 3600)
        XCTAssertTrue(driver.machine.status.usingSecondary)
        driver.handle(.stop)
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.secondary], "unregisters where the binding is")
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .stopped)
        driver.handle(.start)
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.primary])
        XCTAssertEqual(driver.machine.status.consecutiveFailures, 0)
        XCTAssertTrue(driver.timers.keys.allSatisfy { $0.kind == .responseGuard })
    }
}
