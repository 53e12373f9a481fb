import Codecs
import Foundation
import Logging
import ParleyConfig
import ParleyTesting
import Switch
import XCTest

/// Parley-initiated hold through the public API, in-process against SIPp on loopback: 1001 (a
/// sipp UAC) calls 1002 (a sipp UAS that checks the SDP of every re-INVITE Parley sends it).
final class ParleyHoldTests: XCTestCase {
    /// An in-process switch with users 1001 and 1002 on free loopback ports.
    private func makeSwitch(_ name: String) throws -> (Switch, UInt16) {
        let (parley, sipPort) = try InProcessSwitch.make(name)
        try parley.start()
        addTeardownBlock { parley.shutdown(timeout: .seconds(2)) }
        return (parley, sipPort)
    }

    /// 1001 as a sipp UAC (digest, streaming 440 Hz until the far end hangs up) calling 1002.
    private func callFrom1001(parley sipPort: UInt16, callID: String, work: URL) throws -> SIPpInstance {
        let caller = try SIPp.start(scenario: "uac_auth_until_bye", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "1002", "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-au", "1001", "-ap", "alice-secret", "-key", "from_user", "1001", "-cid_str", callID,
            // sipp's digest uri is host:port unless told; Parley checks it against the request URI.
            "-auth_uri", "1002@127.0.0.1:\(sipPort)",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { caller.stop() }
        return caller
    }

    /// Holds `leg` as soon as the call is up (liveness wait: until then hold answers "unknown
    /// call", "no such leg" while ringing, or "not answered").
    private func holdWhenUp(_ parley: Switch, callID: String, leg: CallLegSide) async throws -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            do {
                try await parley.hold(callID: callID, leg: leg)
                return true
            } catch .unknownCall, .noSuchLeg, .wrongState {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return false
    }

    func testHoldSendsSendonlyRetriesAfterGlareAndResumeSendsSendrecv() async throws {
        let (parley, sipPort) = try makeSwitch("parley-hold")
        do {
            try await parley.hold(callID: "no-such-call")
            XCTFail("holding an unknown call must throw")
        } catch {
            XCTAssertEqual(error, .unknownCall("no-such-call"))
        }

        // 1002 registers at the UAS's port; the UAS is held, refuses the first hold with 491.
        let calleePort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-parley-hold")
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(calleePort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output)
        let callee = try SIPp.start(scenario: "uas_held_by_parley", arguments: [
            "127.0.0.1:\(sipPort)", "-p", "\(calleePort)", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { callee.stop() }
        let callID = "parley-hold-test-\(UUID().uuidString.prefix(8))"
        let caller = try callFrom1001(parley: sipPort, callID: callID, work: work)
        let held = try await holdWhenUp(parley, callID: callID, leg: .callee)
        XCTAssertTrue(held, "the hold never succeeded")
        do {
            try await parley.hold(callID: callID, leg: .callee)
            XCTFail("holding a held leg must throw")
        } catch {
            XCTAssertEqual(error, .wrongState("the leg is already on hold"))
        }
        try await parley.resume(callID: callID, leg: .callee)

        // The UAS checked sendonly twice (the 491 and the retry) and sendrecv, then hung up;
        // Parley passed the BYE on to the caller.
        let calleeResult = try callee.finish(timeout: 30)
        XCTAssertEqual(calleeResult.successfulCalls, 1, calleeResult.output)
        let callerResult = try caller.finish(timeout: 30)
        XCTAssertEqual(callerResult.successfulCalls, 1, callerResult.output)
        do {
            try await parley.resume(callID: callID, leg: .callee)
            XCTFail("the call is over")
        } catch {
            XCTAssertEqual(error, .unknownCall(callID))
        }
    }

    /// The held party hears music on hold instead of the other party, and the other party again
    /// after resume. 1002 is a sipp UAS whose SDP sends its RTP to a socket of this test; 1001 a
    /// sipp UAC streaming 440 Hz. (A baresip phone cannot be the held party here: baresip 1.0
    /// restarts its recording on every re-INVITE it receives.)
    func testTheLegParleyHoldsHearsMusicAndTheBridgeReturnsOnResume() async throws {
        let (parley, sipPort) = try makeSwitch("parley-hold-music")
        let sink = try RTPSink()
        let calleePort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-parley-hold-music")
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(calleePort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output)
        let callee = try SIPp.start(scenario: "uas_held_by_parley_media", arguments: [
            "127.0.0.1:\(sipPort)", "-p", "\(calleePort)", "-m", "1", "-key", "media_sink", "\(sink.port)",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { callee.stop() }
        let callID = "parley-hold-music-\(UUID().uuidString.prefix(8))"
        let caller = try callFrom1001(parley: sipPort, callID: callID, work: work)

        XCTAssertTrue(sink.waitForAudio(timeout: 20), "no RTP reached the callee")
        try await Task.sleep(for: .seconds(2))
        let holdAsked = Date()
        let held = try await holdWhenUp(parley, callID: callID, leg: .callee)
        XCTAssertTrue(held, "the hold never succeeded")
        let heldAt = Date()
        try await Task.sleep(for: .seconds(3))
        let resumeAsked = Date()
        try await parley.resume(callID: callID, leg: .callee)
        let resumedAt = Date()
        let calleeResult = try callee.finish(timeout: 30)
        XCTAssertEqual(calleeResult.successfulCalls, 1, "the callee checks sendonly then sendrecv\n" + calleeResult.output)
        let callerResult = try caller.finish(timeout: 30)
        XCTAssertEqual(callerResult.successfulCalls, 1, "the callee's BYE reaches the caller\n" + callerResult.output)
        sink.stop()

        let before = sink.samples(from: holdAsked.addingTimeInterval(-1.5), to: holdAsked)
        let onHold = sink.samples(from: heldAt.addingTimeInterval(0.5), to: resumeAsked)
        let after = sink.samples(from: resumedAt.addingTimeInterval(0.5), to: resumedAt.addingTimeInterval(2.5))
        for (name, part) in [("before", before), ("on hold", onHold), ("after", after)] {
            XCTAssertGreaterThan(part.count, 4000, "too little audio \(name) the hold")
        }
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 440, in: before[...], sampleRate: 8000), 1500, "1002 hears 1001 before the hold")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 440, in: onHold[...], sampleRate: 8000), 200, "1001 must not reach 1002 on hold")
        XCTAssertGreaterThan(AudioAnalysis.rms(onHold), 300, "1002 hears music on hold")
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 440, in: after[...], sampleRate: 8000), 1500, "1002 hears 1001 again after resume")
    }
}

/// Receives a PCMU RTP stream on a loopback socket and keeps the decoded audio with arrival times.
private final class RTPSink: @unchecked Sendable {
    private let socket: UDPTestSocket
    private let lock = NSLock()
    private var frames: [(at: Date, samples: [Int16])] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    var port: UInt16 { socket.port }

    init() throws {
        socket = try UDPTestSocket()
        let thread = Thread { [self] in
            let deadline = Date().addingTimeInterval(120)
            while isRunning, Date() < deadline {
                guard let packet = socket.receive(timeout: 0.1), packet.count > 12, packet[0] >> 6 == 2 else { continue }
                // PCMU only (RTCP shares the port: rtcp-mux); skip the fixed header and any CSRCs.
                guard packet[1] & 0x7F == 0 else { continue }
                let headerLength = 12 + Int(packet[0] & 0x0F) * 4
                guard packet.count > headerLength else { continue }
                var pcm: [Int16] = []
                Array(packet[headerLength...]).withUnsafeBytes { G711.pcmu.decode($0, into: &pcm) }
                lock.withLock { frames.append((Date(), pcm)) }
            }
            done.signal()
        }
        thread.start()
    }

    private var isRunning: Bool { lock.withLock { running } }

    func stop() {
        lock.withLock { running = false }
        _ = done.wait(timeout: .now() + 2)
    }

    func waitForAudio(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ !frames.isEmpty }) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Decoded audio that arrived between the two times.
    func samples(from start: Date, to end: Date) -> [Int16] {
        lock.withLock { frames.filter { $0.at >= start && $0.at < end }.flatMap(\.samples) }
    }
}
