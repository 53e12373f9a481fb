import Foundation
import Glibc
import Logging
import ParleyTesting
import SIP
import Synchronization
import XCTest

/// The SIP module against real peers: a raw UDP client and SIPp user agent servers.
final class SIPStackTests: XCTestCase {
    /// Collects events on the SIP thread; tests wait on them from the test thread.
    final class Recorder: SIPStackDelegate, @unchecked Sendable {
        private let events = Mutex<[SIPEvent]>([])
        var onEvent: ((SIPStack, SIPEvent) -> Void)?

        func sipStack(_ stack: SIPStack, didReceive event: SIPEvent) {
            events.withLock { $0.append(event) }
            onEvent?(stack, event)
        }

        func wait(timeout: TimeInterval = 15, for predicate: (SIPEvent) -> Bool) -> SIPEvent? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let e = events.withLock({ $0.first(where: predicate) }) { return e }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return nil
        }
    }

    private var stack: SIPStack!
    private var recorder: Recorder!
    private var port: UInt16 = 0

    override func setUpWithError() throws {
        port = try FreePorts.sipPort()
        stack = SIPStack(configuration: .init(host: "127.0.0.1", port: Int(port), userAgent: "parley-test"),
                         logger: Logger(label: "test"))
        recorder = Recorder()
        stack.delegate = recorder
        try stack.start()
    }

    override func tearDown() {
        stack.shutdown(timeout: .seconds(2))
        stack = nil
    }

    private let offer = "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40100 RTP/AVP 0\r\n"

    func testEveryHeaderAndTheSourceAddressReachSwift() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let myPort = UInt16(bigEndian: local.sin_port)
        let request = [
            "OPTIONS sip:+15550001@127.0.0.1:\(port) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(myPort);branch=z9hG4bKhdr1;rport",
            "Max-Forwards: 70", "From: <sip:trunk@127.0.0.1>;tag=abc", "To: <sip:+15550001@127.0.0.1>",
            "Call-ID: hdr-test", "CSeq: 7 OPTIONS",
            "X-Trunk-DID: +15550001", "P-Asserted-Identity: \"Bob\" <sip:+15559999@127.0.0.1>",
            "Content-Length: 0", "", "",
        ].joined(separator: "\r\n")
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_addr.s_addr = inet_addr("127.0.0.1")
        to.sin_port = port.bigEndian
        let bytes = Array(request.utf8)
        _ = withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, len) } }
        let event = try XCTUnwrap(recorder.wait { $0.kind == .options })
        let m = try XCTUnwrap(event.message)
        XCTAssertEqual(m.header("x-trunk-did"), "+15550001")
        XCTAssertEqual(m.header("P-Asserted-Identity"), "\"Bob\" <sip:+15559999@127.0.0.1>")
        XCTAssertEqual(m.callID, "hdr-test")
        XCTAssertEqual(m.cseq, 7)
        XCTAssertEqual(m.requestUser, "+15550001")
        XCTAssertEqual(m.source, SIPAddress(host: "127.0.0.1", port: Int(myPort)))
        XCTAssertEqual(m.headers(named: "Via").count, 1)
    }

    func testOutgoingInviteIsAnsweredAndHungUp() throws {
        let uasPort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-uas")
        let uas = try SIPp.start(scenario: "uas", arguments: ["-p", "\(uasPort)", "-m", "1"], workingDirectory: work, timeout: 30)
        XCTAssertTrue(FreePorts.waitUntilBound(uasPort, udp: true, timeout: 10), "SIPp did not bind \(uasPort)")
        recorder.onEvent = { stack, event in
            if event.kind == .inviteResponse, event.status == 200, let h = event.handle { stack.bye(h) }
        }
        let myPort = port
        stack.perform { [stack, offer] in
            guard let stack, let h = stack.makeHandle(to: "<sip:uas@127.0.0.1:\(uasPort)>", from: "<sip:parley@127.0.0.1:\(myPort)>") else { return }
            stack.invite(h, requestURI: "sip:uas@127.0.0.1:\(uasPort)", sdp: offer, headers: ["X-Parley-Test: 1"])
        }
        let answered = try XCTUnwrap(recorder.wait { $0.kind == .inviteResponse && $0.status >= 200 })
        XCTAssertEqual(answered.status, 200)
        XCTAssertNotNil(answered.message?.header("Contact"))
        XCTAssertNotNil(recorder.wait { $0.kind == .byeResponse && $0.status == 200 }, "BYE was not answered")
        let result = try uas.finish(timeout: 20)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
    }

    func testDigestChallengeIsAnsweredWithCredentials() throws {
        let uasPort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-uas-auth")
        let uas = try SIPp.start(scenario: "uas_auth", arguments: ["-p", "\(uasPort)", "-m", "1"], workingDirectory: work, timeout: 30)
        XCTAssertTrue(FreePorts.waitUntilBound(uasPort, udp: true, timeout: 10), "SIPp did not bind \(uasPort)")
        recorder.onEvent = { stack, event in
            guard event.kind == .inviteResponse, let h = event.handle else { return }
            if event.status == 401 || event.status == 407,
               let header = event.message?.header(event.status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"),
               let challenge = DigestChallenge(header) {
                stack.authenticate(h, realm: challenge.realm, user: "alice", password: "secret")
            } else if event.status == 200 {
                stack.bye(h)
            }
        }
        let myPort = port
        stack.perform { [stack, offer] in
            guard let stack, let h = stack.makeHandle(to: "<sip:uas@127.0.0.1:\(uasPort)>", from: "<sip:alice@127.0.0.1:\(myPort)>") else { return }
            stack.invite(h, requestURI: "sip:uas@127.0.0.1:\(uasPort)", sdp: offer)
        }
        let challenge = try XCTUnwrap(recorder.wait { $0.kind == .inviteResponse && $0.status == 401 })
        XCTAssertTrue(challenge.message?.header("WWW-Authenticate")?.hasPrefix("Digest") ?? false)
        XCTAssertNotNil(recorder.wait { $0.kind == .inviteResponse && $0.status == 200 }, "authenticated INVITE not answered 200")
        let result = try uas.finish(timeout: 20)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
    }
}

final class DigestChallengeTests: XCTestCase {
    func testRealmAndAlgorithmAreRead() {
        XCTAssertEqual(DigestChallenge("Digest realm=\"sipp.test\", nonce=\"1n0\", algorithm=MD5, qop=\"auth\"")?.realm, "sipp.test")
        XCTAssertEqual(DigestChallenge("digest nonce=\"a,b\", realm=\"x\\\"y\"")?.realm, "x\"y")
        XCTAssertEqual(DigestChallenge("Digest realm=\"r\", algorithm=SHA-256")?.algorithm, "SHA-256")
        XCTAssertNil(DigestChallenge("Basic realm=\"r\""))
        XCTAssertNil(DigestChallenge("Digest nonce=\"only\""))
        XCTAssertNil(DigestChallenge("Digest realm=\"unterminated"), "an unterminated quote is malformed")
    }
}

extension SIPStackTests {
    /// A zero or negative delay runs on the next millisecond (Sofia aborts the process on a
    /// zero-length timer, which the first of several spaced SIP INFO digits used to ask for).
    func testTimersWithNoDelayRunInsteadOfAbortingTheProcess() throws {
        let fired = Mutex<[Int]>([])
        let stack = try XCTUnwrap(self.stack)
        stack.perform {
            for delay in [0, -5, 3] {
                stack.schedule(after: delay) { fired.withLock { $0.append(delay) } }
            }
        }
        let deadline = Date().addingTimeInterval(5)
        while fired.withLock({ $0.count }) < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(Set(fired.withLock { $0 }), [0, -5, 3])
    }
}
