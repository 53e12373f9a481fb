import Foundation
import XCTest

@testable import Trunks

/// Drives the machine with seeded random registrars, starts, stops and network changes, and
/// checks after every step the properties no sequence may break.
final class TrunkSimulationTests: XCTestCase {
    /// What a simulated registrar does with one request.
    private enum Reply: CaseIterable {
        case ok, okShort, unavailable, unavailableRetryAfter, forbidden, tooBrief, noAnswer, transportError, provisional
    }

    func testRandomHistoriesKeepTheInvariants() throws {
        for seed in UInt64(1)...40 {
            var random = SeededRandom(state: seed)
            var driver = try TrunkDriver(secondary: seed % 2 == 0, random: SeededRandom(state: seed &* 31))
            driver.handle(.start)
            for step in 0..<400 {
                let context = "seed \(seed) step \(step) state \(driver.state)"
                act(&driver, random: &random)
                check(driver, context)
                if driver.state == .stopped || driver.state == .unregistered, random.next() % 4 == 0 {
                    driver.handle(.start)
                }
            }
        }
    }

    private func act(_ driver: inout TrunkDriver, random: inout SeededRandom) {
        let roll = random.next() % 100
        switch roll {
        case 0..<2: driver.handle(.stop)
        case 2..<4: driver.handle(.networkChanged)
        case 4..<40:
            // Let time pass: timers fire on the way.
            driver.advance(by: Double(random.next() % 4000) / 2)
        default:
            guard let request = driver.outstanding else {
                driver.advance(by: Double(random.next() % 600))
                return
            }
            let reply = Reply.allCases[Int(random.next() % UInt64(Reply.allCases.count))]
            answer(&driver, request, reply, random: &random)
        }
    }

    private func answer(_ driver: inout TrunkDriver, _ request: TrunkRegisterRequest, _ reply: Reply, random: inout SeededRandom) {
        driver.advance(by: Double(random.next() % 3000) / 1000)
        switch reply {
        case .ok: driver.respond(200, "OK", expires: request.expires == 0 ? nil : Int(random.next() % 3600) + 10)
        case .okShort: driver.respond(200, "OK", expires: request.expires == 0 ? nil : 10)
        case .unavailable: driver.respond(503, "Service Unavailable")
        case .unavailableRetryAfter: driver.respond(503, "Service Unavailable", retryAfter: Int(random.next() % 7200))
        case .forbidden: driver.respond(403, "Forbidden")
        case .tooBrief: driver.respond(423, "Interval Too Brief", minExpires: request.expires + Int(random.next() % 100))
        case .noAnswer: driver.outstanding = nil  // the guard timer has to notice
        case .transportError:
            driver.outstanding = nil
            driver.handle(.transportError(requestID: request.id, description: "simulated"))
        case .provisional: driver.respond(180, "Ringing")
        }
    }

    private func check(_ driver: TrunkDriver, _ context: String) {
        let status = driver.machine.status
        let kinds = driver.timers.keys.map(\.kind)
        XCTAssertEqual(kinds.count, Set(kinds).count, "one timer per kind: \(context)")
        XCTAssertTrue(driver.timers.values.allSatisfy { $0 >= driver.now.addingTimeInterval(-0.001) },
                      "no timer left in the past: \(context)")
        let inFlight = driver.timer(.responseGuard) != nil
        switch status.state {
        case .registering:
            XCTAssertTrue(inFlight, "registering means a request with its guard: \(context)")
        case .registered(let until):
            // Either refreshing now, or a refresh is planned at least 5 s before expiry.
            if !inFlight {
                guard let due = driver.timer(.refresh)?.1 else { return XCTFail("registered without refresh: \(context)") }
                XCTAssertEqual(status.registeredUntil, until, "state and status agree: \(context)")
                XCTAssertLessThanOrEqual(due, until.addingTimeInterval(-4.999), "refresh before expiry - 5 s: \(context)")
                XCTAssertEqual(status.nextAttempt, due, context)
            }
        case .failed(let reason, let retryAt):
            if !inFlight {
                guard let due = driver.timer(.retry)?.1 else { return XCTFail("failed without retry: \(context)") }
                XCTAssertEqual(due, retryAt, context)
                let wait = due.timeIntervalSince(driver.now)
                XCTAssertLessThanOrEqual(wait, 3600 + 0.001, "waits are bounded: \(context)")
                if reason.isAuthentication { XCTAssertGreaterThanOrEqual(wait, 0, context) }
            }
        case .unregistering:
            XCTAssertTrue(inFlight, "unregistering waits for an answer, with a bound: \(context)")
            XCTAssertNil(driver.timer(.refresh), context)
            XCTAssertNil(driver.timer(.retry), context)
        case .stopped, .unregistered:
            XCTAssertTrue(driver.timers.isEmpty, "nothing armed when stopped: \(context)")
        }
        XCTAssertTrue([TrunkDriver.primary, TrunkDriver.secondary].contains(status.registrar), context)
        if driver.machine.configuration.secondaryRegistrar == nil {
            XCTAssertFalse(status.usingSecondary, context)
            XCTAssertTrue(driver.sent.allSatisfy { $0.registrar == TrunkDriver.primary }, context)
        }
    }
}
