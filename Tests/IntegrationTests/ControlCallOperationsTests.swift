import Control
import Foundation
import ParleyTesting
import XCTest

/// Call control through the HTTP API of a running `parley`: hold and resume (a SIPp callee checks
/// the SDP of Parley's re-INVITEs), blind transfer and originate between registered baresip
/// phones, and a conference filled by dialling out, with member actions and a recording.
final class ControlCallOperationsTests: XCTestCase {
    private func server(_ name: String) throws -> ParleyServer {
        let server = try ParleyServer(name: name, extraTop: ControlAPI.users)
        addTeardownBlock { server.stop() }
        return server
    }

    private func callPath(_ call: CallID) -> String {
        "/calls/\(ControlClient.segment(call.rawValue))"
    }

    private func path(_ call: CallID, _ action: String) -> String {
        callPath(call) + "/" + action
    }

    func testHoldAndResumeOverHTTPSendSendonlyThenSendrecvReinvites() async throws {
        let server = try server("ctl-hold")
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }

        // 1002 registers at a SIPp UAS that checks Parley's re-INVITEs (the first hold gets 491).
        let work = try PeerFiles.scratchDirectory("sipp-ctl-hold")
        let calleePort = try FreePorts.sipPort()
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(calleePort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output)
        let callee = try SIPp.start(scenario: "uas_held_by_parley", arguments: ["127.0.0.1:\(server.sipPort)", "-p", "\(calleePort)", "-m", "1"],
                                    workingDirectory: work, timeout: 60)
        addTeardownBlock { callee.stop() }
        let id = CallID("ctl-hold-\(UUID().uuidString.prefix(8))")
        let caller = try SIPp.start(scenario: "uac_auth_until_bye", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1002", "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-au", "1001", "-ap", "alice-secret", "-key", "from_user", "1001", "-cid_str", id.rawValue,
            "-auth_uri", "1002@127.0.0.1:\(server.sipPort)",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { caller.stop() }

        // Wait until both legs are up, then hold the callee's leg.
        let up = try await ControlAPI.eventually {
            let call = try? await api.get(LiveCall.self, callPath(id))
            return call?.legs.count == 2 && call?.legs.allSatisfy({ $0.state == .answered }) == true ? call : nil
        }
        let call = try XCTUnwrap(up, server.log)
        XCTAssertEqual(call.legs.map(\.id), ["caller", "callee"])
        XCTAssertEqual(call.direction, .internal)
        do {
            try await api.post(path(id, "hold"), body: LegSelector(leg: "sideways"))
            XCTFail("an unknown leg must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 404)
            XCTAssertEqual(ControlAPI.errorCode(error), "unknown_leg")
        }
        try await api.post(path(id, "hold"), body: LegSelector(leg: "callee"))
        let held = try await api.get(LiveCall.self, callPath(id))
        XCTAssertEqual(held.state, .held)
        XCTAssertEqual(held.legs.last?.onHold, true)
        do {
            try await api.post(path(id, "hold"), body: LegSelector(leg: "callee"))
            XCTFail("holding a held leg must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 409)
            XCTAssertEqual(ControlAPI.errorCode(error), "wrong_state")
        }
        try await api.post(path(id, "resume"), body: LegSelector(leg: "callee"))

        // The UAS saw sendonly twice (491, then the retry) and sendrecv, then hung up.
        let calleeResult = try await ControlAPI.blocking { try callee.finish(timeout: 30) }
        XCTAssertEqual(calleeResult.successfulCalls, 1, calleeResult.output)
        let callerResult = try await ControlAPI.blocking { try caller.finish(timeout: 30) }
        XCTAssertEqual(callerResult.successfulCalls, 1, callerResult.output)
        let stages = events.envelopes(call: id.rawValue).compactMap { envelope -> ControlEvent.HoldStage? in
            if case .holdProgress(let stage) = envelope.event { return stage }
            return nil
        }
        XCTAssertEqual(Array(stages.drop { $0 != .holding }), [.holding, .held, .failed, .resuming, .resumed],
                       "the second hold is refused (already held) between held and resuming")
    }

    func testBlindTransferOverHTTPReplacesTheCalleeWithTheTarget() async throws {
        let server = try server("ctl-transfer")
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)
        let carol = try ControlAPI.phone("1003", password: "carol-secret", server: server, tone: 900, for: self)

        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        let established = try await ControlAPI.blocking { alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(established, alice.output() + server.log)
        let found = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.to == "1002" && $0.legs.count == 2 && $0.state == .answered }
        }
        let call = try XCTUnwrap(found, server.log)
        XCTAssertTrue(call.legs[1].remoteURI.contains(":\(bob.sipPort)"), call.legs[1].remoteURI)

        do {
            try await api.post(path(call.id, "transfer"), body: TransferRequest.blind(target: "4711"))
            XCTFail("an unknown target must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 404)
            XCTAssertEqual(ControlAPI.errorCode(error), "unknown_target")
        }
        try await api.post(path(call.id, "transfer"), body: TransferRequest.blind(target: "1003"))
        let carolAnswered = try await ControlAPI.blocking { carol.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(carolAnswered, carol.output() + server.log)
        let bobGone = try await ControlAPI.blocking { bob.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(bobGone, "the replaced callee got no BYE: \(bob.output())")

        // Alice is still in the same call, now with carol, and audio flows from carol.
        let moved = try await ControlAPI.eventually {
            let now = try await api.get(LiveCall.self, callPath(call.id))
            let callee = now.legs.first { $0.id == "callee" }
            return callee?.remoteURI.contains(":\(carol.sipPort)") == true && (callee?.quality?.packetsReceived ?? 0) > 25 ? now : nil
        }
        XCTAssertNotNil(moved, server.log)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, alice.output())
        let stages = events.envelopes(call: call.id.rawValue).compactMap { envelope -> String? in
            if case .transferProgress(let stage, let target) = envelope.event { return "\(stage.rawValue) \(target)" }
            return nil
        }
        XCTAssertEqual(stages.first, "requested 1003")
        XCTAssertEqual(stages.last, "completed 1003")

        try await api.post(path(call.id, "hangup"), body: HangUpRequest())
        let aliceDone = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        let carolDone = try await ControlAPI.blocking { carol.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(aliceDone && carolDone, alice.output() + carol.output())
        let record = try await ControlAPI.record(api, callID: call.id.rawValue)
        XCTAssertEqual(record?.disposition, .answered)
        XCTAssertEqual(record?.codecs.count, 3, "caller, the new callee and the replaced one: \(record?.codecs ?? [])")
    }

    func testOriginateFillsAConferenceAndMemberActionsApply() async throws {
        let server = try server("ctl-originate")
        let api = try server.api()
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)

        do {
            _ = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "1003", connectTo: "room:ctl"))
            XCTFail("1003 has no phone")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 409, "\(error)")
        }
        do {
            _ = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "1001", connectTo: "nowhere"))
            XCTFail("an unknown target must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.errorCode(error), "unknown_target")
        }
        let first = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "1001", connectTo: "room:ctl"))
        let aliceIn = try await ControlAPI.blocking { alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(aliceIn, alice.output() + server.log)
        let second = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "1002", connectTo: "room:ctl"))
        let bobIn = try await ControlAPI.blocking { bob.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(bobIn, bob.output() + server.log)

        let calls = try await ControlAPI.calls(api)
        let placed = try XCTUnwrap(calls.first { $0.id == first.callID })
        XCTAssertEqual(placed.direction, .outbound)
        XCTAssertEqual(placed.to, "room:ctl")
        XCTAssertEqual(placed.room, "ctl")
        XCTAssertTrue(placed.from.contains("1001"), placed.from)

        let rooms = try await ControlAPI.eventually {
            let room = try await api.get([RoomInfo].self, "/rooms").first { $0.id == "ctl" }
            return room?.members.count == 2 ? room : nil
        }
        let room = try XCTUnwrap(rooms, server.log)
        XCTAssertEqual(room.kind, .conference)
        XCTAssertEqual(Set(room.members.compactMap(\.callID)), [first.callID, second.callID])
        let aliceMember = try XCTUnwrap(room.members.first { $0.callID == first.callID })
        let bobMember = try XCTUnwrap(room.members.first { $0.callID == second.callID })

        let members = "/rooms/ctl/members/"
        try await api.post(members + aliceMember.id.rawValue, body: MemberAction.mute)
        try await api.post(members + aliceMember.id.rawValue, body: MemberAction.volume(2))
        let changed = try await api.get(RoomInfo.self, "/rooms/ctl").members.first { $0.id == aliceMember.id }
        XCTAssertEqual(changed?.muted, true)
        XCTAssertEqual(changed?.volume, 2)
        do {
            try await api.post(members + "12345", body: MemberAction.mute)
            XCTFail("an unknown member must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.errorCode(error), "unknown_member")
        }
        try await api.post("/rooms/ctl/play", body: PlayRequest(sound: "en/welcome"))
        do {
            try await api.post("/rooms/ctl/play", body: PlayRequest(sound: "no/such-sound"))
            XCTFail("an unknown sound must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 404)
        }
        let recording = try await api.post(RecordingInfo.self, "/rooms/ctl/recording/start", body: [String: String]())
        XCTAssertTrue(recording.active)
        try await Task.sleep(for: .seconds(2))
        let stopped = try await api.post(RecordingInfo.self, "/rooms/ctl/recording/stop", body: [String: String]())
        XCTAssertEqual(stopped.path, recording.path)
        let written = try await ControlAPI.eventually {
            let size = (try? FileManager.default.attributesOfItem(atPath: stopped.path)[.size] as? Int) ?? 0
            return size > 16_000 ? size : nil
        }
        XCTAssertNotNil(written, "the recording at \(stopped.path) stayed empty")

        // Kicking bob hangs up his call; alice stays.
        try await api.post(members + bobMember.id.rawValue, body: MemberAction.kick)
        let bobOut = try await ControlAPI.blocking { bob.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(bobOut, bob.output())
        let left = try await ControlAPI.eventually {
            let room = try await api.get(RoomInfo.self, "/rooms/ctl")
            return room.members.count == 1 ? room : nil
        }
        XCTAssertEqual(left?.members.first?.callID, first.callID)

        try await api.post(path(first.callID, "hangup"), body: HangUpRequest())
        let aliceOut = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(aliceOut, alice.output())
        let record = try await ControlAPI.record(api, callID: first.callID.rawValue)
        XCTAssertEqual(record?.direction, .outbound)
        XCTAssertEqual(record?.disposition, .answered)
        XCTAssertEqual(record?.to, "room:ctl")
    }

    func testOriginateConnectsTwoUsers() async throws {
        let server = try server("ctl-click")
        let api = try server.api()
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)
        // Click-to-call: ring alice, then connect her to bob.
        let placed = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "1001", connectTo: "1002"))
        let aliceUp = try await ControlAPI.blocking { alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        let bobUp = try await ControlAPI.blocking { bob.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(aliceUp && bobUp, alice.output() + bob.output() + server.log)
        let bridged = try await ControlAPI.eventually {
            let call = try await api.get(LiveCall.self, callPath(placed.callID))
            return call.legs.count == 2 && call.legs.allSatisfy({ ($0.quality?.packetsReceived ?? 0) > 25 }) ? call : nil
        }
        let call = try XCTUnwrap(bridged, server.log)
        XCTAssertTrue(call.legs[0].remoteURI.contains("1001"), call.legs[0].remoteURI)
        XCTAssertTrue(call.legs[1].remoteURI.contains(":\(bob.sipPort)"), call.legs[1].remoteURI)
        try bob.hangup()
        let aliceDone = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(aliceDone, "bob hung up; alice must get BYE: \(alice.output())")
    }
}
