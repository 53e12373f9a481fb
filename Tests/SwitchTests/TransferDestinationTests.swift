import ParleyConfig
@testable import Switch
import XCTest

/// The dialplan side of a blind transfer: what each route makes of a dialled target, shared by
/// REFER, the control API and the agent's transfer tool.
final class TransferDestinationTests: XCTestCase {
    private func resolve(_ route: ParleyConfiguration.Route?, agent: String? = nil, users: Set<String> = ["1003"],
                         number: String = "1003", cap: Int = 30) -> TransferDestination {
        TransferDestination.resolve(number: number, route: route, catalogAgent: agent,
                                    isUser: { users.contains($0) }, maxRingSeconds: cap)
    }

    func testAKnownUserRingsForTheShorterOfItsTimeoutAndTheTransferCap() {
        XCTAssertEqual(resolve(.user(extension: "1003", ringTimeoutSeconds: 60)), .user("1003", ringSeconds: 30))
        XCTAssertEqual(resolve(.user(extension: "1003", ringTimeoutSeconds: 12)), .user("1003", ringSeconds: 12))
        XCTAssertEqual(resolve(.user(extension: "1003", ringTimeoutSeconds: 0)), .user("1003", ringSeconds: 1))
    }

    func testAUserTheDirectoryDoesNotKnowIsUnknown() {
        XCTAssertEqual(resolve(.user(extension: "1099", ringTimeoutSeconds: 20), number: "1099"), .unknown)
    }

    func testTrunkConferenceAndAgentRoutesAreTargets() {
        XCTAssertEqual(resolve(.trunk(name: "provider", number: "15551234"), number: "915551234"),
                       .trunk(name: "provider", number: "15551234"))
        let settings = ParleyConfiguration.ConferenceSettings()
        XCTAssertEqual(resolve(.conference(room: "3000", settings), number: "3000"), .conference(room: "3000", settings))
        XCTAssertEqual(resolve(.agent(name: "receptionist"), number: "9000"), .agent(name: "receptionist", number: "9000"))
    }

    func testAParkingSlotIsATarget() {
        XCTAssertEqual(resolve(.park(slot: "7001", timeoutSeconds: 45), number: "7001"), .park(slot: "7001", timeoutSeconds: 45))
    }

    func testAnAgentClaimingTheNumberAnswersOnlyWhenTheDialplanHasNoRoute() {
        XCTAssertEqual(resolve(nil, agent: "sales", number: "9050"), .agent(name: "sales", number: "9050"))
        XCTAssertEqual(resolve(nil, number: "9050"), .unknown)
        XCTAssertEqual(resolve(.reject(code: 403), agent: "sales", number: "9050"), .rejected(status: 403))
    }

    func testServicesAndRejectionsAreNotTargets() {
        XCTAssertEqual(resolve(.echo, number: "9196"), .service)
        XCTAssertEqual(resolve(.playback(sound: "music/hold", loop: true, hangupAtEnd: false), number: "9664"), .service)
        XCTAssertEqual(resolve(.reject(code: 486), number: "8000"), .rejected(status: 486))
    }

    func testControlErrorsMapToTheStatusTheReferNotifyReports() {
        XCTAssertEqual(Switch.notifyStatus(for: .unknownTarget("x")), 404)
        XCTAssertEqual(Switch.notifyStatus(for: .unreachable(target: "x", status: 480)), 480)
        XCTAssertEqual(Switch.notifyStatus(for: .notSupported("x")), 488)
        XCTAssertEqual(Switch.notifyStatus(for: .wrongState("x")), 491)
        XCTAssertEqual(Switch.notifyStatus(for: .shuttingDown), 503)
    }

    func testTheSharedPartyOfTwoCallsIsFoundByUser() throws {
        let user: (String) -> String? = { $0.hasPrefix("anon") ? nil : String($0.prefix(4)) }
        // A->B and B->C: B is the callee of the first call and the caller of the second.
        let pair = try XCTUnwrap(Switch.sharedParty(["1001-a", "1002-b1"], ["1002-b2", "1003-c"], user: user))
        XCTAssertEqual(pair.0, "1002-b1")
        XCTAssertEqual(pair.1, "1002-b2")
        XCTAssertNil(Switch.sharedParty(["1001-a", "1002-b"], ["1003-c", "1004-d"], user: user))
        XCTAssertNil(Switch.sharedParty(["anon-1", "1002-b"], ["anon-2", "1003-c"], user: user), "no user, no match")
    }
}
