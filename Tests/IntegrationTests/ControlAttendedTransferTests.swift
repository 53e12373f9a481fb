import Codecs
import Control
import Foundation
import ParleyTesting
import XCTest

/// Attended transfer through the control API (`POST /calls/{id}/transfer` with
/// `{"mode":"attended","withCall":…}`) between registered baresip phones playing tones: Bob (B)
/// has two calls, one with Alice (A) and one with Carol (C); the API joins A and C and Bob's
/// two dialogs end. Both shapes: B called by A (A's call hosts the bridge), and B calling both
/// (two legs Parley placed, joined in B's first call, which lives on without B).
final class ControlAttendedTransferTests: XCTestCase {
    private func server(_ name: String) throws -> ParleyServer {
        let server = try ParleyServer(name: name, extraTop: ControlAPI.users)
        addTeardownBlock { server.stop() }
        return server
    }

    private func transferPath(_ call: CallID) -> String {
        "/calls/\(ControlClient.segment(call.rawValue))/transfer"
    }

    /// The live call whose dialled number is `to`, once it is answered.
    private func answeredCall(to: String, _ api: ControlClient) async throws -> LiveCall? {
        try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.to == to && $0.legs.count == 2 && $0.state == .answered }
        }
    }

    /// What `phone` received in its last seconds (from 3 s to 0.5 s before the end).
    private func lastSeconds(_ phone: Baresip) throws -> (ArraySlice<Int16>, Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        let samples = try XCTUnwrap(wav.pcm16Samples)
        let rate = wav.sampleRate
        XCTAssertGreaterThan(samples.count, rate * 3, "\(phone.name) recorded too little")
        return (samples[max(0, samples.count - 3 * rate)..<max(0, samples.count - rate / 2)], rate)
    }

    /// Runs the transfer of `first` with `second`, then checks Bob is out twice and Alice and
    /// Carol hear each other until Alice hangs up (which ends Carol's side too).
    private func transferAndCheck(_ first: LiveCall, _ second: LiveCall, api: ControlClient, server: ParleyServer,
                                  alice: Baresip, bob: Baresip, carol: Baresip) async throws {
        do {
            try await api.post(transferPath(first.id), body: TransferRequest.attended(withCall: CallID("no-such-call")))
            XCTFail("an unknown consultation call must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 404, "\(error)")
        }
        try await api.post(transferPath(first.id), body: TransferRequest.attended(withCall: second.id))
        let bobOut = try await ControlAPI.blocking {
            let deadline = Date().addingTimeInterval(20)
            while bob.messages.filter({ $0.type == "CALL_CLOSED" }).count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            return bob.messages.filter { $0.type == "CALL_CLOSED" }.count
        }
        XCTAssertEqual(bobOut, 2, "both of Bob's calls end\n" + bob.output() + server.log)
        try await Task.sleep(for: .seconds(4))
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, alice.output())
        XCTAssertFalse(carol.messages.contains { $0.type == "CALL_CLOSED" }, carol.output())
        _ = try alice.command("hangup")
        let carolDone = try await ControlAPI.blocking { carol.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(carolDone, "Alice's hang-up ends Carol's side\n" + carol.output() + server.log)
        alice.stop()
        carol.stop()
        let (toAlice, rate) = try lastSeconds(alice)
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 900, in: toAlice, sampleRate: rate), 1000, "Alice hears Carol")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 600, in: toAlice, sampleRate: rate), 200, "Bob is gone")
        let (toCarol, carolRate) = try lastSeconds(carol)
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 1200, in: toCarol, sampleRate: carolRate), 1000, "Carol hears Alice")
    }

    func testAttendedTransferOverHTTPJoinsTheCallerWithTheConsultedParty() async throws {
        let server = try server("ctl-attended")
        let api = try server.api()
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)
        let carol = try ControlAPI.phone("1003", password: "carol-secret", server: server, tone: 900, for: self)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        let firstFound = try await answeredCall(to: "1002", api)
        let first = try XCTUnwrap(firstFound, server.log)
        try bob.dial("sip:1003@127.0.0.1:\(server.sipPort)")
        let secondFound = try await answeredCall(to: "1003", api)
        let second = try XCTUnwrap(secondFound, server.log)
        try await transferAndCheck(first, second, api: api, server: server, alice: alice, bob: bob, carol: carol)
        XCTAssertTrue(server.log.contains("attended transfer through the control API"), server.log)
    }

    func testAttendedTransferOverHTTPJoinsTwoPartiesTheTransferorCalled() async throws {
        let server = try server("ctl-attended-out")
        let api = try server.api()
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)
        let carol = try ControlAPI.phone("1003", password: "carol-secret", server: server, tone: 900, for: self)
        try bob.dial("sip:1001@127.0.0.1:\(server.sipPort)")
        let firstFound = try await answeredCall(to: "1001", api)
        let first = try XCTUnwrap(firstFound, server.log)
        try bob.dial("sip:1003@127.0.0.1:\(server.sipPort)")
        let secondFound = try await answeredCall(to: "1003", api)
        let second = try XCTUnwrap(secondFound, server.log)
        try await transferAndCheck(first, second, api: api, server: server, alice: alice, bob: bob, carol: carol)
        // Bob's first call carried Alice and Carol without him and ends once, with Alice's hang-up.
        let record = try await ControlAPI.record(api, callID: first.id.rawValue)
        XCTAssertNotNil(record, server.log)
        XCTAssertTrue(server.log.contains("the transferring caller left"), server.log)
    }
}
