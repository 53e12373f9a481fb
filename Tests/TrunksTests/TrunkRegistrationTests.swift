import Foundation
import XCTest

@testable import Trunks

/// Registering, refreshing and re-registering: the happy paths of the machine.
final class TrunkRegistrationTests: XCTestCase {
    func testStartSendsRegisterToPrimaryAndReportsRegistering() throws {
        var driver = try TrunkDriver()
        XCTAssertEqual(driver.state, .unregistered)
        let actions = driver.handle(.start)
        guard case .sendRegister(let request)? = actions.first else { return XCTFail("\(actions)") }
        XCTAssertEqual(request.registrar, TrunkDriver.primary)
        XCTAssertEqual(request.expires, 3600)
        XCTAssertEqual(actions.last, .stateChanged(.registering))
        XCTAssertEqual(driver.delay(of: .responseGuard), 40)
        XCTAssertEqual(driver.machine.status.registrar, TrunkDriver.primary)
        XCTAssertNil(driver.machine.status.nextAttempt, "a request is in flight")
    }

    func testSuccessRegistersUntilGrantedExpiry() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        let sentAt = driver.now
        driver.advance(by: 0.2)
        driver.respond(200, "OK", expires: 600)
        let until = driver.now.addingTimeInterval(600)
        XCTAssertEqual(driver.state, .registered(until: until))
        XCTAssertNil(driver.timer(.responseGuard), "the guard is cancelled once answered")
        XCTAssertNil(driver.timer(.retry))
        let status = driver.machine.status
        XCTAssertEqual(status.lastStatusCode, 200)
        XCTAssertEqual(status.lastReason, "OK")
        XCTAssertEqual(status.registeredUntil, until)
        XCTAssertEqual(status.consecutiveFailures, 0)
        XCTAssertTrue(status.isRegistered(at: driver.now))
        XCTAssertFalse(status.isRegistered(at: until))
        XCTAssertGreaterThan(driver.now, sentAt)
    }

    func testGrantWithoutExpiresMeansAsRequested() throws {
        var driver = try TrunkDriver { $0.expires = 900 }
        driver.handle(.start)
        XCTAssertEqual(driver.outstanding?.expires, 900)
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .registered(until: driver.now.addingTimeInterval(900)))
    }

    func testRefreshIsPlannedInsideTheWindow() throws {
        var early = try TrunkDriver(random: FixedRandom.low)
        early.register(expires: 1000)
        XCTAssertEqual(early.delay(of: .refresh) ?? -1, 500, accuracy: 0.01, "50 % of the grant")
        XCTAssertEqual(early.machine.status.nextAttempt, early.now.addingTimeInterval(500))

        var late = try TrunkDriver(random: FixedRandom.high)
        late.register(expires: 1000)
        XCTAssertEqual(late.delay(of: .refresh) ?? -1, 800, accuracy: 0.01, "80 % of the grant")
    }

    func testRefreshIsNeverLaterThanFiveSecondsBeforeExpiry() throws {
        // 80 % of 12 s is 9.6 s, but the refresh must go out by 12 - 5 = 7 s.
        var short = try TrunkDriver(random: FixedRandom.high)
        short.register(expires: 12)
        XCTAssertEqual(short.delay(of: .refresh) ?? -1, 7, accuracy: 0.01)

        // Too short to honour both: the window's start (half) wins over the margin.
        var tiny = try TrunkDriver(random: FixedRandom.high)
        tiny.register(expires: 6)
        XCTAssertEqual(tiny.delay(of: .refresh) ?? -1, 3, accuracy: 0.01)

        // Never sooner than 1 s.
        var absurd = try TrunkDriver(random: FixedRandom.low)
        absurd.register(expires: 1)
        XCTAssertEqual(absurd.delay(of: .refresh) ?? -1, 1, accuracy: 0.01)
    }

    func testRefreshKeepsStateRegisteredAndExtendsTheBinding() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 600)
        let firstUntil = driver.now.addingTimeInterval(600)
        let statesBefore = driver.states.count
        driver.fire(.refresh)
        XCTAssertEqual(driver.lastSent.map(\.registrar), [TrunkDriver.primary])
        XCTAssertEqual(driver.lastSent.first?.expires, 3600, "a refresh asks for the configured interval again")
        XCTAssertEqual(driver.states.count, statesBefore, "no state change while refreshing")
        XCTAssertEqual(driver.state, .registered(until: firstUntil))
        driver.advance(by: 1)
        driver.respond(200, "OK", expires: 600)
        XCTAssertEqual(driver.state, .registered(until: driver.now.addingTimeInterval(600)))
        XCTAssertEqual(driver.sent.count, 2)
    }

    func testLongRunOfRefreshesKeepsExactlyOneRefreshArmed() throws {
        var driver = try TrunkDriver(random: SeededRandom(state: 7))
        driver.register(expires: 120)
        for _ in 0..<50 {
            let until = driver.machine.status.registeredUntil ?? .distantPast
            guard let (_, due) = driver.timer(.refresh) else { return XCTFail("no refresh armed") }
            XCTAssertLessThanOrEqual(due, until.addingTimeInterval(-5))
            XCTAssertGreaterThanOrEqual(due.timeIntervalSince(driver.now), 60 - 0.001)
            driver.fire(.refresh)
            driver.respond(200, "OK", expires: 120)
            XCTAssertEqual(driver.timers.keys.filter { $0.kind == .refresh }.count, 1)
        }
        XCTAssertEqual(driver.sent.count, 51)
    }

    func testProvisionalResponsesAreIgnored() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        let actions = driver.respond(100, "Trying")
        XCTAssertEqual(actions, [])
        XCTAssertEqual(driver.state, .registering)
        XCTAssertNotNil(driver.timer(.responseGuard), "still waiting for the final answer")
        driver.respond(200, "OK", expires: 300)
        guard case .registered = driver.state else { return XCTFail("\(driver.state)") }
    }

    func testStartWhileRunningIsIgnored() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        XCTAssertEqual(driver.handle(.start), [])
        driver.respond(200, "OK", expires: 300)
        XCTAssertEqual(driver.handle(.start), [])
        XCTAssertEqual(driver.sent.count, 1)
    }

    func testNetworkChangeRegistersAgainAtOnceAndIgnoresTheOldAnswer() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 3600)
        driver.handle(.start)  // no effect
        let old = try XCTUnwrap(driver.sent.last)
        driver.handle(.networkChanged)
        XCTAssertEqual(driver.lastSent.count, 1, "a new REGISTER at once")
        XCTAssertNil(driver.timer(.refresh), "the refresh is replaced by the new request")
        let fresh = try XCTUnwrap(driver.outstanding)
        XCTAssertNotEqual(fresh.id, old.id)

        // A late answer to the abandoned refresh changes nothing.
        driver.advance(by: 1)
        let stale = driver.handle(.response(RegisterResponse(requestID: old.id, status: 503, phrase: "Busy")))
        XCTAssertEqual(stale, [])
        driver.respond(200, "OK", expires: 100)
        XCTAssertEqual(driver.state, .registered(until: driver.now.addingTimeInterval(100)))
    }

    func testNetworkChangeBeforeStartOrAfterStopDoesNothing() throws {
        var driver = try TrunkDriver()
        XCTAssertEqual(driver.handle(.networkChanged), [])
        driver.register()
        driver.handle(.stop)
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .stopped)
        XCTAssertEqual(driver.handle(.networkChanged), [])
    }

    func testStaleTimerIsIgnored() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 600)
        let (refresh, _) = try XCTUnwrap(driver.timer(.refresh))
        driver.handle(.networkChanged)  // cancels that refresh
        XCTAssertEqual(driver.machine.handle(.timerFired(refresh), now: driver.now), [])
        let foreign = TrunkTimerID(kind: .retry, sequence: 999)
        XCTAssertEqual(driver.machine.handle(.timerFired(foreign), now: driver.now), [])
    }

    func testStatusDescriptionNamesStateRegistrarAndLastAnswer() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 600)
        let text = driver.machine.status.description
        XCTAssertTrue(text.contains("registered until"), text)
        XCTAssertTrue(text.contains(TrunkDriver.primary), text)
        XCTAssertTrue(text.contains("last 200 OK"), text)
        XCTAssertTrue(text.contains("next attempt"), text)
    }

    func testStatusRoundTripsThroughJSON() throws {
        var driver = try TrunkDriver(secondary: true)
        driver.handle(.start)
        driver.respond(503, "Service Unavailable", retryAfter: 60)
        let status = driver.machine.status
        let decoded = try JSONDecoder().decode(TrunkStatus.self, from: JSONEncoder().encode(status))
        XCTAssertEqual(decoded, status)
        guard case .failed(.rejected(503, "Service Unavailable"), _) = decoded.state else { return XCTFail("\(decoded)") }
    }
}
