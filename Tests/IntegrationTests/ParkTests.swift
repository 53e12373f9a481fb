import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Call park and pickup with baresip phones playing tones: Alice (1001) calls Bob (1002), Bob
/// blind-transfers her to parking slot 7001 (`action: park`, prefix 700); Carol (1003) dials the
/// slot and talks to Alice, or, when nobody does, the slot's timeout rings Bob back.
final class ParkTests: XCTestCase {
    private func server(_ name: String, timeout: Int) throws -> ParleyServer {
        let server = try ParleyServer(name: name, extraDialplan: """
              - prefix: "700"
                action: park
                timeout_s: \(timeout)
            """, extraTop: ControlAPI.users)
        addTeardownBlock { server.stop() }
        return server
    }

    private func waitForLog(_ text: String, in server: ParleyServer, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The amplitude of `frequency` in what `phone` received from 3 s to 0.5 s before its end.
    private func heardAtTheEnd(_ phone: Baresip, _ frequency: Double) throws -> Double {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        let samples = try XCTUnwrap(wav.pcm16Samples)
        let rate = wav.sampleRate
        XCTAssertGreaterThan(samples.count, rate * 3, "\(phone.name) recorded too little")
        let tail = samples[max(0, samples.count - 3 * rate)..<max(0, samples.count - rate / 2)]
        return AudioAnalysis.amplitude(of: frequency, in: tail, sampleRate: rate)
    }

    /// Alice calls Bob, Bob parks her in 7001 (NOTIFY 100 then 200, Bob's call closes).
    private func parkAlice(server: ParleyServer) throws -> (alice: Baresip, bob: Baresip) {
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        let bob = try ControlAPI.phone("1002", password: "bob-secret", server: server, tone: 600, for: self)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_ESTABLISHED", timeout: 20), bob.output() + server.log)
        Thread.sleep(forTimeInterval: 1)
        _ = try bob.command("transfer", params: "sip:7001@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("call parked", in: server), bob.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), "the parker stays in the call\n" + bob.output())
        let notifies = server.log.components(separatedBy: "\n").filter { $0.contains("transfer notify") }
            .compactMap { line in line.range(of: "sipfrag=").map { String(line[$0.upperBound...].prefix(3)) } }
        XCTAssertEqual(notifies, ["100", "200"], server.log)
        return (alice, bob)
    }

    func testAParkedCallIsPickedUpByDiallingItsSlot() throws {
        let server = try server("park", timeout: 120)
        let carol = try ControlAPI.phone("1003", password: "carol-secret", server: server, tone: 900, for: self)
        // An empty slot has nothing to pick up.
        try carol.dial("sip:7005@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("pickup refused: nothing parked", in: server), carol.output() + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_CLOSED", timeout: 20), carol.output())
        let (alice, _) = try parkAlice(server: server)
        Thread.sleep(forTimeInterval: 2)
        try carol.dial("sip:7001@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("parked call picked up", in: server), carol.output() + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output())
        Thread.sleep(forTimeInterval: 4)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "Alice waits, then talks to Carol\n" + alice.output())
        _ = try carol.command("hangup")
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "Carol's hang-up ends Alice's call\n" + alice.output())
        alice.stop()
        carol.stop()
        XCTAssertGreaterThan(try heardAtTheEnd(alice, 900), 1000, "Alice hears Carol")
        XCTAssertGreaterThan(try heardAtTheEnd(carol, 1200), 1000, "Carol hears Alice")
    }

    func testAParkedCallNobodyPicksUpRingsTheParkerBack() throws {
        let server = try server("park-timeout", timeout: 5)
        let (alice, bob) = try parkAlice(server: server)
        XCTAssertTrue(waitForLog("ringing the parker", in: server, timeout: 30), server.log)
        let deadline = Date().addingTimeInterval(20)
        while bob.messages.filter({ $0.type == "CALL_ESTABLISHED" }).count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(bob.messages.filter { $0.type == "CALL_ESTABLISHED" }.count, 2, "Bob is rung back\n" + bob.output() + server.log)
        Thread.sleep(forTimeInterval: 4)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, alice.output())
        alice.stop()
        bob.stop()
        XCTAssertGreaterThan(try heardAtTheEnd(alice, 600), 1000, "Alice hears Bob again")
        XCTAssertGreaterThan(try heardAtTheEnd(bob, 1200), 1000, "Bob hears Alice again")
    }
}
