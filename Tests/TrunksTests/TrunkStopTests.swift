import Foundation
import XCTest

@testable import Trunks

/// Stopping: the un-REGISTER, its time bound, and starts and stops arriving at odd moments.
final class TrunkStopTests: XCTestCase {
    func testStopUnregistersAndReportsStoppedWhenAnswered() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 600)
        let actions = driver.handle(.stop)
        XCTAssertEqual(driver.lastSent.count, 1)
        guard case .sendUnregister(let request)? = actions.first(where: { if case .sendUnregister = $0 { return true }; return false })
        else { return XCTFail("\(actions)") }
        XCTAssertEqual(request.expires, 0)
        XCTAssertEqual(request.registrar, TrunkDriver.primary)
        XCTAssertEqual(driver.state, .unregistering)
        XCTAssertEqual(driver.delay(of: .responseGuard), 10)
        XCTAssertNil(driver.timer(.refresh), "the refresh is cancelled")
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .stopped)
        XCTAssertTrue(driver.timers.isEmpty, "no timer left armed: \(driver.timers)")
        XCTAssertNil(driver.machine.status.registeredUntil)
        XCTAssertNil(driver.machine.status.nextAttempt)
    }

    func testStopIsBoundedWhenTheRegistrarNeverAnswers() throws {
        var driver = try TrunkDriver()
        driver.register()
        driver.handle(.stop)
        driver.advance(by: 9)
        XCTAssertEqual(driver.state, .unregistering)
        driver.advance(by: 2)
        XCTAssertEqual(driver.state, .stopped)
        XCTAssertTrue(driver.timers.isEmpty)
        XCTAssertEqual(driver.sent.count, 2, "no retry of the un-REGISTER")
    }

    func testAnyFinalAnswerOrErrorEndsTheStop() throws {
        for ending in 0..<3 {
            var driver = try TrunkDriver()
            driver.register()
            driver.handle(.stop)
            let request = try XCTUnwrap(driver.outstanding)
            switch ending {
            case 0: driver.respond(401, "Unauthorized")
            case 1: driver.handle(.transportError(requestID: request.id, description: "unreachable"))
            default: driver.handle(.timedOut(requestID: request.id))
            }
            XCTAssertEqual(driver.state, .stopped, "ending \(ending)")
            XCTAssertTrue(driver.timers.isEmpty, "ending \(ending)")
        }
    }

    func testStopWithoutBindingStopsAtOnce() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        driver.respond(403, "Forbidden")
        let actions = driver.handle(.stop)
        XCTAssertEqual(driver.lastSent, [], "nothing to remove")
        XCTAssertEqual(actions.last, .stateChanged(.stopped))
        XCTAssertTrue(driver.timers.isEmpty)
    }

    func testStopWhileTheFirstRegisterIsInFlightStillUnregisters() throws {
        var driver = try TrunkDriver()
        driver.handle(.start)
        let register = try XCTUnwrap(driver.outstanding)
        driver.handle(.stop)
        XCTAssertEqual(driver.lastSent.map(\.expires), [0], "the REGISTER may have succeeded")
        // The answer to the abandoned REGISTER is ignored.
        XCTAssertEqual(driver.machine.handle(.response(RegisterResponse(requestID: register.id, status: 200)),
                                             now: driver.now), [])
        XCTAssertEqual(driver.state, .unregistering)
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .stopped)
    }

    func testStopAfterBindingExpiredDuringFailuresSendsNothing() throws {
        var driver = try TrunkDriver()
        driver.register(expires: 60)
        driver.fire(.refresh)
        driver.respond(503, "Down")
        driver.advance(by: 100)                           // past expiry; the retry went unanswered
        XCTAssertFalse(driver.machine.status.isRegistered(at: driver.now))
        driver.handle(.stop)
        XCTAssertEqual(driver.lastSent, [])
        XCTAssertEqual(driver.state, .stopped)
    }

    func testStartDuringUnregisteringRegistersOnceStopped() throws {
        var driver = try TrunkDriver()
        driver.register()
        driver.handle(.stop)
        XCTAssertEqual(driver.handle(.start), [], "queued until the un-REGISTER is answered")
        driver.respond(200, "OK")
        XCTAssertEqual(driver.states.suffix(2), [.stopped, .registering])
        XCTAssertEqual(driver.lastSent.map(\.expires), [3600])
    }

    func testStopCancelsAQueuedStart() throws {
        var driver = try TrunkDriver()
        driver.register()
        driver.handle(.stop)
        driver.handle(.start)
        driver.handle(.stop)
        driver.respond(200, "OK")
        XCTAssertEqual(driver.state, .stopped)
        XCTAssertTrue(driver.timers.isEmpty)
    }

    func testStopWhenNeverStartedOrAlreadyStoppedDoesNothing() throws {
        var driver = try TrunkDriver()
        XCTAssertEqual(driver.handle(.stop), [])
        XCTAssertEqual(driver.state, .unregistered)
        driver.register()
        driver.handle(.stop)
        driver.respond(200, "OK")
        XCTAssertEqual(driver.handle(.stop), [])
    }

    func testLateAnswersAfterStopChangeNothing() throws {
        var driver = try TrunkDriver()
        driver.register()
        let register = try XCTUnwrap(driver.sent.last)
        driver.handle(.stop)
        driver.respond(200, "OK")
        let late: [TrunkEvent] = [
            .response(RegisterResponse(requestID: register.id, status: 200, expires: 3600)),
            .timedOut(requestID: register.id),
            .transportError(requestID: register.id, description: "late"),
        ]
        for event in late { XCTAssertEqual(driver.handle(event), [], "\(event)") }
        XCTAssertEqual(driver.state, .stopped)
    }
}
