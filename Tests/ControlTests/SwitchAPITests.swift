import Control
import Foundation
import XCTest

/// The telephony routes, against an in-test ``SwitchControl`` that records what it is asked.
final class SwitchAPITests: XCTestCase {
    func testListsCallsRoomsRegistrationsAndTrunks() async throws {
        let harness = try await ControlHarness.start(for: self)
        let client = try harness.client()
        let calls = try await client.get([LiveCall].self, "/calls")
        XCTAssertEqual(calls.map(\.id), ["c-1", "c-2"])
        XCTAssertEqual(calls[0].legs.first?.quality?.packetsLost, 10)
        XCTAssertEqual(calls[0].conversationID, "conv-1")

        let raw = try await harness.request(.GET, "/calls/c-1")
        let object = try XCTUnwrap(try jsonObject(raw) as? [String: Any])
        XCTAssertEqual(object["startedAt"] as? String, "2023-11-14T22:13:20.000Z")
        let legs = try XCTUnwrap(object["legs"] as? [[String: Any]])
        XCTAssertEqual(legs.first?["remoteURI"] as? String, "sip:alice@192.0.2.10:5062")
        XCTAssertEqual(legs.first?["srtp"] as? Bool, true)
        XCTAssertEqual(legs.first?["codec"] as? String, "PCMU")

        let rooms = try await client.get([RoomInfo].self, "/rooms")
        XCTAssertEqual(rooms.first?.members.map(\.kind), [.leg, .agent])
        let room = try await client.get(RoomInfo.self, "/rooms/r-1")
        XCTAssertEqual(room.sampleRate, 16_000)
        let registrations = try await client.get([RegistrationInfo].self, "/registrations")
        XCTAssertEqual(registrations.first?.contacts.first?.source, "192.0.2.20:5060")
        let trunks = try await client.get([TrunkInfo].self, "/trunks")
        XCTAssertEqual(trunks.first?.state, .registered)
    }

    func testCallOperationsReachTheSwitchWithTheirArguments() async throws {
        let harness = try await ControlHarness.start(for: self)
        let originate = try await harness.request(
            .POST, "/calls", body: #"{"to":"1001","connectTo":"agent:support","callerID":"+4930123","timeoutSeconds":30}"#)
        XCTAssertEqual(originate.status, 201, originate.text)
        XCTAssertEqual(try ControlJSON.decode(OriginateResult.self, from: originate.body).callID, "c-101")

        try await harness.expect(204, .POST, "/calls/c-1/hold", body: #"{"leg":"l-1"}"#)
        try await harness.expect(204, .POST, "/calls/c-1/resume")
        try await harness.expect(202, .POST, "/calls/c-1/transfer",
                                                 body: #"{"mode":"blind","target":"1002"}"#)
        try await harness.expect(202, .POST, "/calls/c-1/transfer",
                                                 body: #"{"mode":"attended","withCall":"c-2"}"#)
        try await harness.expect(202, .POST, "/calls/c-1/dtmf", body: #"{"digits":"12#a"}"#)
        try await harness.expect(202, .POST, "/calls/c-1/play", body: #"{"sound":"welcome"}"#)
        let started = try await harness.request(.POST, "/calls/c-1/recording/start")
        XCTAssertEqual(try ControlJSON.decode(RecordingInfo.self, from: started.body).active, true)
        try await harness.expect(200, .POST, "/calls/c-1/recording/stop")
        try await harness.expect(204, .POST, "/rooms/r-1/members/m-1", body: #"{"action":"mute"}"#)
        try await harness.expect(204, .POST, "/rooms/r-1/members/m-2",
                                                 body: #"{"action":"volume","level":-2}"#)
        try await harness.expect(202, .POST, "/rooms/r-1/play",
                                                 body: #"{"sound":"music/hold","loop":true}"#)
        try await harness.expect(204, .POST, "/calls/c-2/hangup", body: #"{"status":486}"#)

        XCTAssertEqual(harness.switchControl.operations, [
            .originate(OriginateRequest(to: "1001", connectTo: "agent:support", callerID: "+4930123", timeoutSeconds: 30)),
            .hold("c-1", "l-1"),
            .resume("c-1", nil),
            .transfer("c-1", .blind(target: "1002")),
            .transfer("c-1", .attended(withCall: "c-2")),
            .dtmf("c-1", DTMFRequest(digits: "12#A")),
            .play(PlayRequest(sound: "welcome"), "call c-1"),
            .startRecording("call c-1"),
            .stopRecording("call c-1"),
            .member(.mute, "m-1", "r-1"),
            .member(.volume(-2), "m-2", "r-1"),
            .play(PlayRequest(sound: "music/hold", loop: true), "room r-1"),
            .hangUp("c-2", HangUpRequest(status: 486)),
        ])
        let calls = try await harness.client().get([LiveCall].self, "/calls")
        XCTAssertEqual(calls.map(\.id), ["c-1", "c-101"], "the hung-up call is gone")
    }

    func testSwitchRefusalsKeepTheirStatusAndCode() async throws {
        let harness = try await ControlHarness.start(for: self)
        let unknown = try await harness.request(.POST, "/calls/c-9/hold")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(errorCode(unknown), "unknown_call")
        try await harness.expect(404, .GET, "/calls/c-9")
        let unknownLeg = try await harness.request(.POST, "/calls/c-1/hold", body: #"{"leg":"l-9"}"#)
        XCTAssertEqual(errorCode(unknownLeg), "unknown_leg")
        let ringing = try await harness.request(.POST, "/calls/c-2/hold")
        XCTAssertEqual(ringing.status, 409)
        XCTAssertEqual(errorCode(ringing), "wrong_state")
        let notHeld = try await harness.request(.POST, "/calls/c-1/resume")
        XCTAssertEqual(notHeld.status, 409)
        let unknownMember = try await harness.request(.POST, "/rooms/r-1/members/m-9", body: #"{"action":"kick"}"#)
        XCTAssertEqual(errorCode(unknownMember), "unknown_member")
        let unknownRoom = try await harness.request(.GET, "/rooms/r-9")
        XCTAssertEqual(errorCode(unknownRoom), "unknown_room")
        let unroutable = try await harness.request(.POST, "/calls", body: #"{"to":"nowhere"}"#)
        XCTAssertEqual(unroutable.status, 404)
        XCTAssertEqual(errorCode(unroutable), "unknown_target")
        XCTAssertTrue(harness.switchControl.operations.isEmpty, "nothing was done")
    }

    func testBadInputIsA400BeforeTheSwitchSeesIt() async throws {
        let harness = try await ControlHarness.start(for: self)
        let cases: [(String, String, String)] = [
            ("/calls", #"{"to":""}"#, "bad_request"),
            ("/calls", #"{"to":"two words"}"#, "bad_request"),
            ("/calls", #"{"to":"1001","timeoutSeconds":0}"#, "bad_request"),
            ("/calls", #"{"connectTo":"1001"}"#, "bad_json"),
            ("/calls", #"{"to":1001}"#, "bad_json"),
            ("/calls", "", "bad_json"),
            ("/calls", "not json", "bad_json"),
            ("/calls/c-1/dtmf", #"{"digits":"12x"}"#, "bad_request"),
            ("/calls/c-1/dtmf", #"{"digits":"1","durationMilliseconds":5}"#, "bad_request"),
            ("/calls/c-1/transfer", #"{"mode":"sideways","target":"1"}"#, "bad_json"),
            ("/calls/c-1/transfer", #"{"mode":"attended","withCall":"c-1"}"#, "bad_request"),
            ("/calls/c-1/play", #"{"sound":"../../etc/passwd"}"#, "bad_request"),
            ("/calls/c-1/play", #"{"sound":"/etc/passwd"}"#, "bad_request"),
            ("/calls/c-1/hangup", #"{"status":200}"#, "bad_request"),
            ("/rooms/r-1/members/m-1", #"{"action":"volume","level":9}"#, "bad_request"),
            ("/rooms/r-1/members/m-1", #"{"action":"dance"}"#, "bad_json"),
        ]
        for (path, body, code) in cases {
            let response = try await harness.request(.POST, path, body: body)
            XCTAssertEqual(response.status, 400, "\(path) \(body): \(response.text)")
            XCTAssertEqual(errorCode(response), code, "\(path) \(body)")
            let object = try XCTUnwrap(try jsonObject(response) as? [String: [String: String]])
            XCTAssertFalse(object["error"]?["message"]?.isEmpty ?? true, "every error says why")
        }
        let missingField = try await harness.request(.POST, "/calls", body: #"{"connectTo":"1001"}"#)
        XCTAssertTrue(missingField.text.contains("missing field \\\"to\\\""), missingField.text)
        XCTAssertTrue(harness.switchControl.operations.isEmpty)
    }

    func testUnknownRoutesAndWrongMethodsAnswerJSON() async throws {
        let harness = try await ControlHarness.start(for: self)
        let unknown = try await harness.request(.GET, "/nothing/here")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(errorCode(unknown), "unknown_route")
        XCTAssertEqual(unknown.header("Content-Type"), "application/json; charset=utf-8")

        let wrong = try await harness.request(.DELETE, "/calls")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(errorCode(wrong), "method_not_allowed")
        XCTAssertEqual(wrong.header("Allow"), "GET, POST")
        let wrongOnTemplate = try await harness.request(.GET, "/calls/c-1/hold")
        XCTAssertEqual(wrongOnTemplate.status, 405)
        XCTAssertEqual(wrongOnTemplate.header("Allow"), "POST")
        let tooLarge = try await harness.request(.POST, "/calls",
                                                 body: #"{"to":""# + String(repeating: "1", count: 2 << 20) + #""}"#)
        XCTAssertEqual(tooLarge.status, 413)
        XCTAssertEqual(errorCode(tooLarge), "payload_too_large")
    }

    func testMissingServicesAnswer503() async throws {
        let harness = try await ControlHarness.start(for: self) { services in
            services.switchControl = nil
            services.agents = nil
            services.callRecords = nil
        }
        for path in ["/calls", "/rooms", "/agents", "/cdrs"] {
            let response = try await harness.request(.GET, path)
            XCTAssertEqual(response.status, 503, path)
            XCTAssertEqual(errorCode(response), "unavailable", path)
        }
        try await harness.expect(200, .GET, "/conversations")
    }
}
