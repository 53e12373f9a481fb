import Control
import Foundation
import ParleyTesting
import XCTest

/// Transfer by REFER to the provider beyond a trunk caller moved by the API (issue 6, the rest):
/// the party an originated call rang on the trunk (moved by the API), the far end of a user's
/// call out that the user's phone (baresip) blind-transfers, and a trunk caller that the user's
/// phone it rang (SIPp) transfers. SIPp plays the carrier (`xfer_carrier_*`); its trunk opts in with
/// `transfer: refer`. A provider that refuses or stays silent past the trunk's `refer_timeout_s`
/// leaves the transfer to Parley, and the events show each stage of it once.
final class ReferTransferLegTests: XCTestCase {
    private let did = "15557654321"

    /// Parley with trunk `carrier` at `providerPort` ("8…" dials out on it) and users 1001-1003.
    /// `inboundTo` routes the carrier's DID to that extension and accepts the carrier's calls by
    /// source address (so the phones, on 127.0.0.1 too, must not place calls in that test).
    private func parley(_ name: String, providerPort: UInt16, inboundTo: String? = nil,
                        referTimeout: Int? = nil, agents: URL? = nil) throws -> ParleyServer {
        var top = agents.map { ["agents:", "  directory: \($0.path)"] } ?? []
        top += [
            "trunks:",
            "  - name: carrier",
            "    registrar: sip:127.0.0.1:\(providerPort)",
            "    register: false",
            "    transfer: refer",
        ]
        if let referTimeout { top.append("    refer_timeout_s: \(referTimeout)") }
        if let inboundTo {
            top += ["    ip_auth: [127.0.0.1]", "inbound:", "  - did: \"\(did)\"", "    extension: \"\(inboundTo)\""]
        }
        return try ParleyServer(name: name, extraDialplan: """
              - prefix: "8"
                action: trunk
                trunk: carrier
                strip: 1
            """, extraTop: top.joined(separator: "\n") + "\n" + ControlAPI.users)
    }

    /// A SIPp UAS on `port` playing the carrier's side of calls Parley places on the trunk.
    private func provider(_ scenario: String, port: UInt16, calls: Int, work: URL, messages: URL) async throws -> SIPpInstance {
        let sipp = try SIPp.start(scenario: scenario, arguments: [
            "-p", "\(port)", "-m", "\(calls)", "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 90)
        addTeardownBlock { sipp.stop() }
        let bound = try await ControlAPI.blocking { FreePorts.waitUntilBound(port, udp: true, timeout: 10) }
        XCTAssertTrue(bound, "the provider's SIPp never listened")
        return sipp
    }

    private func path(_ id: CallID, _ action: String) -> String {
        "/calls/\(ControlClient.segment(id.rawValue))/\(action)"
    }

    /// "stage target" of every transfer event of the call, in order.
    private func stages(_ events: EventRecorder, _ id: CallID) -> [String] {
        events.envelopes(call: id.rawValue).compactMap { envelope -> String? in
            if case .transferProgress(let stage, let target) = envelope.event { return "\(stage.rawValue) \(target)" }
            return nil
        }
    }

    /// The sipfrag status of every transfer NOTIFY Parley sent a phone, in order.
    private func notifies(_ server: ParleyServer) -> [String] {
        server.log.components(separatedBy: "\n").filter { $0.contains("transfer notify") }
            .compactMap { line in line.range(of: "sipfrag=").map { String(line[$0.upperBound...].prefix(3)) } }
    }

    private func count(_ text: String, in log: String) -> Int {
        log.components(separatedBy: text).count - 1
    }

    /// Places a call to trunk number 84711 connected to `connectTo`; returns its id once up.
    private func originate(_ api: ControlClient, server: ParleyServer, connectTo: String = "9196") async throws -> CallID {
        let placed = try await api.post(OriginateResult.self, "/calls", body: OriginateRequest(to: "84711", connectTo: connectTo))
        let up = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.id == placed.callID && $0.state == .answered }
        }
        XCTAssertNotNil(up, "the originated call never came up\n\(server.log)")
        return placed.callID
    }

    // MARK: An originated call's party

    /// The outbound AI-campaign case: Parley calls 4711 on the trunk for the receptionist agent,
    /// and the call is transferred (through the agent's own transfer, as its tool would) to 84712.
    func testAnOriginatedAgentCallToATrunkNumberIsTransferredByREFERAtTheProvider() async throws {
        let providerPort = try FreePorts.sipPort()
        let server = try parley("refer-originated", providerPort: providerPort, agents: try AgentCallSupport.agentsFolder("refer-originated"))
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-originated")
        let messages = work.appendingPathComponent("provider-messages.log")
        let carrier = try await provider("xfer_carrier_uas_refer", port: providerPort, calls: 1, work: work, messages: messages)
        let id = try await originate(api, server: server, connectTo: "agent:receptionist")

        try await api.post(path(id, "transfer"), body: TransferRequest.blind(target: "84712"))
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 40) }
        XCTAssertEqual(finished.successfulCalls, 1, "REFER, 202, NOTIFY 100 and 200, then Parley's BYE\n" + finished.output + server.log)
        let refer = try XCTUnwrap(SIPpMessageLog(contentsOf: messages).received("REFER").first, server.log)
        XCTAssertEqual(refer.header("Refer-To"), "<sip:4712@127.0.0.1:\(providerPort)>")
        XCTAssertEqual(refer.header("Referred-By"), "<sip:parley@127.0.0.1:\(server.sipPort)>")
        XCTAssertTrue(server.log.contains("transferred by REFER; Parley leaves the call"), server.log)
        XCTAssertFalse(server.log.contains("dialling out"), "Parley must not ring the target itself:\n\(server.log)")
        let completed = await events.wait { _ in self.stages(events, id).last == "completed 84712" }
        XCTAssertTrue(completed, "\(stages(events, id))")
        XCTAssertEqual(stages(events, id), ["requested 84712", "completed 84712"], "the agent's transfer reports its outcome")
        let record = try await ControlAPI.eventually { try await ControlAPI.record(api, callID: id.rawValue) }
        XCTAssertEqual(record?.hangupCause, "transferred by REFER", "\(String(describing: record))")
    }

    /// The provider refuses (405): Parley rings 4712 on the trunk itself (a second INVITE to the
    /// provider) and bridges the call there; the events tell one transfer, each stage once.
    func testAnOriginatedCallWhoseProviderRefusesIsTransferredInsideParleyReportingEachStageOnce() async throws {
        let providerPort = try FreePorts.sipPort()
        let server = try parley("refer-originated-refused", providerPort: providerPort)
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-originated-refused")
        let messages = work.appendingPathComponent("provider-messages.log")
        let carrier = try await provider("xfer_carrier_uas_refer_refused", port: providerPort, calls: 2, work: work, messages: messages)
        let id = try await originate(api, server: server)

        try await api.post(path(id, "transfer"), body: TransferRequest.blind(target: "84712"))
        let completed = await events.wait { _ in self.stages(events, id).last == "completed 84712" }
        XCTAssertTrue(completed, "\(stages(events, id))\n\(server.log)")
        XCTAssertTrue(server.log.contains("status=405 target=84712 [Switch] the provider did not transfer"), server.log)
        XCTAssertEqual(stages(events, id), ["requested 84712", "trying 84712", "completed 84712"])
        try await api.post(path(id, "hangup"), body: HangUpRequest())
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 30) }
        XCTAssertEqual(finished.successfulCalls, 2, finished.output + "\n" + server.log)
        let seen = SIPpMessageLog(contentsOf: messages)
        XCTAssertEqual(seen.received("REFER").count, 1)
        XCTAssertEqual(seen.received("INVITE").map { $0.startLine.hasPrefix("INVITE sip:4712@") }, [false, true],
                       "Parley rings the target on the trunk itself: \(seen.received("INVITE").map(\.startLine))")
    }

    // MARK: A phone's own transfer

    /// Alice (baresip) calls 4711 out on the trunk and blind-transfers it to 84712: Parley REFERs
    /// its trunk leg at the provider and passes the provider's NOTIFYs on to Alice.
    func testAPhonesTransferOfItsCallOutIsDoneByTheProviderAndItsProgressRelayed() async throws {
        let providerPort = try FreePorts.sipPort()
        let server = try parley("refer-phone", providerPort: providerPort)
        defer { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-phone")
        let messages = work.appendingPathComponent("provider-messages.log")
        let carrier = try await provider("xfer_carrier_uas_refer", port: providerPort, calls: 1, work: work, messages: messages)
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        try alice.dial("sip:84711@127.0.0.1:\(server.sipPort)")
        let up = try await ControlAPI.blocking { alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(up, alice.output() + server.log)

        _ = try alice.command("transfer", params: "sip:84712@127.0.0.1:\(server.sipPort)")
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 40) }
        XCTAssertEqual(finished.successfulCalls, 1, "REFER on Parley's leg, then Parley's BYE\n" + finished.output + server.log)
        let refer = try XCTUnwrap(SIPpMessageLog(contentsOf: messages).received("REFER").first, server.log)
        XCTAssertEqual(refer.header("Refer-To"), "<sip:4712@127.0.0.1:\(providerPort)>")
        XCTAssertEqual(notifies(server), ["100", "200"], "Alice hears the provider's progress\n" + server.log)
        let closed = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(closed, alice.output())
        XCTAssertEqual(count("dialling out", in: server.log), 1, "only Alice's own call goes out\n" + server.log)
        XCTAssertTrue(server.log.contains("transferred by REFER; Parley leaves the call"), server.log)
        alice.stop() // while Parley still answers its unregistration
    }

    /// The same with a provider that refuses REFER: Parley rings 84712 on the trunk for the
    /// provider's party and Alice hears the usual NOTIFYs of a transfer inside Parley.
    func testAPhonesTransferOfItsCallOutFallsBackInsideParleyWhenTheProviderRefuses() async throws {
        let providerPort = try FreePorts.sipPort()
        let server = try parley("refer-phone-refused", providerPort: providerPort)
        defer { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-phone-refused")
        let messages = work.appendingPathComponent("provider-messages.log")
        let carrier = try await provider("xfer_carrier_uas_refer_refused", port: providerPort, calls: 2, work: work, messages: messages)
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, tone: 1200, for: self)
        try alice.dial("sip:84711@127.0.0.1:\(server.sipPort)")
        let up = try await ControlAPI.blocking { alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(up, alice.output() + server.log)

        _ = try alice.command("transfer", params: "sip:84712@127.0.0.1:\(server.sipPort)")
        let deadline = Date().addingTimeInterval(30)
        while !server.log.contains("blind transfer completed"), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertTrue(server.log.contains("blind transfer completed"), server.log)
        XCTAssertTrue(server.log.contains("status=405 target=84712 [Switch] the provider did not transfer"), server.log)
        XCTAssertEqual(notifies(server), ["100", "180", "200"], "the usual NOTIFYs of a transfer inside Parley\n" + server.log)
        let seen = SIPpMessageLog(contentsOf: messages)
        XCTAssertEqual(seen.received("REFER").count, 1, "the provider was asked first")
        XCTAssertEqual(seen.received("INVITE").map { $0.startLine.hasPrefix("INVITE sip:4712@") }, [false, true],
                       "Parley rings the target on the trunk itself: \(seen.received("INVITE").map(\.startLine))")
        let aliceGone = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(aliceGone, alice.output())
        // The call lives on between the provider's two parties; the control API can still end it.
        let api = try server.api()
        let live = try await ControlAPI.calls(api)
        XCTAssertEqual(live.count, 1, "\(live)")
        let call = try XCTUnwrap(live.first)
        try await api.post(path(call.id, "hangup"), body: HangUpRequest())
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 30) }
        XCTAssertEqual(finished.successfulCalls, 2, "Parley sends BYE to both of the provider's parties\n" + finished.output + server.log)
        alice.stop() // while Parley still answers its unregistration
    }

    /// 1001 as a SIPp phone (registered, then xfer_phone_refer_trunk.xml: answers the trunk
    /// caller, REFERs it to 84711 with its Referred-By, reads the NOTIFYs); its message log.
    private func transferringPhone(server: ParleyServer, work: URL) throws -> (SIPpInstance, URL) {
        let phonePort = try FreePorts.sipPort()
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1001", "-au", "1001", "-ap", "alice-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(phonePort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output + server.log)
        let phoneMessages = work.appendingPathComponent("phone-messages.log")
        let phone = try SIPp.start(scenario: "xfer_phone_refer_trunk", arguments: [
            "127.0.0.1:\(server.sipPort)", "-p", "\(phonePort)", "-m", "1", "-trace_msg", "-message_file", phoneMessages.path,
        ], workingDirectory: work, timeout: 90)
        addTeardownBlock { phone.stop() }
        return (phone, phoneMessages)
    }

    /// A trunk caller rings 1001 (a SIPp phone), which transfers it to 84711; the carrier takes
    /// Parley's REFER (with the phone's Referred-By) and connects the caller: the phone hears
    /// NOTIFY 100 at once and the provider's 200 last, Parley hangs up both dialogs (cause
    /// "transferred by REFER") and rings nobody itself.
    func testAPhonesTransferOfATrunkCallerIsDoneByTheProvider() async throws {
        // The trunk's server: only the Refer-To names it (Parley must not ring 4711 there itself).
        let providerPort = try FreePorts.sipPort()
        let server = try parley("refer-phone-callee", providerPort: providerPort, inboundTo: "1001")
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-phone-callee")
        let (phone, phoneMessages) = try transferringPhone(server: server, work: work)
        let messages = work.appendingPathComponent("carrier-messages.log")
        let carrier = try SIPp.start(scenario: "xfer_carrier_refer", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", did, "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 90)
        addTeardownBlock { carrier.stop() }
        let found = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.state == .answered && $0.trunk == "carrier" }
        }
        let call = try XCTUnwrap(found, server.log)

        let carrierDone = try await ControlAPI.blocking { try carrier.finish(timeout: 40) }
        XCTAssertEqual(carrierDone.successfulCalls, 1, "REFER accepted, NOTIFY 200, Parley's BYE\n" + carrierDone.output + server.log)
        let refer = try XCTUnwrap(SIPpMessageLog(contentsOf: messages).received("REFER").first, server.log)
        XCTAssertEqual(refer.header("Refer-To"), "<sip:4711@127.0.0.1:\(providerPort)>")
        XCTAssertEqual(refer.header("Referred-By"), "\"Front Desk\" <sip:1001@127.0.0.1>", "the phone's Referred-By travels on")
        let phoneDone = try await ControlAPI.blocking { try phone.finish(timeout: 30) }
        XCTAssertEqual(phoneDone.successfulCalls, 1, "NOTIFYs until the last, then Parley's BYE\n" + phoneDone.output + server.log)
        let frags = SIPpMessageLog(contentsOf: phoneMessages).received("NOTIFY").map { String($0.body.prefix(11)) }
        XCTAssertEqual(frags, ["SIP/2.0 100", "SIP/2.0 200"])
        let record = try await ControlAPI.record(api, callID: call.id.rawValue)
        XCTAssertEqual(record?.hangupCause, "transferred by REFER", "\(String(describing: record))")
        XCTAssertEqual(stages(events, call.id), ["requested 84711", "trying 84711", "completed 84711"])
        XCTAssertFalse(server.log.contains("dialling out"), "the provider connects the caller, not Parley\n" + server.log)
    }

    /// A trunk caller rings 1001 (a SIPp phone), which transfers it to 84711: Parley REFERs the
    /// caller's dialog with the phone's Referred-By. The carrier accepts but never reports; with
    /// `refer_timeout_s: 2` Parley rings 4711 itself (a SIPp gateway) well before the default 40 s,
    /// and the phone hears that transfer's NOTIFYs.
    func testAPhonesTransferOfATrunkCallerFallsBackOnceTheTrunksReferTimeoutIsOver() async throws {
        let gatewayPort = try FreePorts.sipPort()
        let server = try parley("refer-silent", providerPort: gatewayPort, inboundTo: "1001", referTimeout: 2)
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-silent")
        let gateway = try await provider("uas", port: gatewayPort, calls: 1, work: work,
                                         messages: work.appendingPathComponent("gateway-messages.log"))
        let (phone, phoneMessages) = try transferringPhone(server: server, work: work)
        let messages = work.appendingPathComponent("carrier-messages.log")
        let carrier = try SIPp.start(scenario: "xfer_carrier_refer_silent", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", did, "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 90)
        addTeardownBlock { carrier.stop() }
        let found = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.state == .answered && $0.trunk == "carrier" }
        }
        let call = try XCTUnwrap(found, server.log)

        // Liveness only: far less than the default 40 s, far more than the 2 s configured.
        let completed = await events.wait(timeout: 25) { _ in self.stages(events, call.id).last == "completed 84711" }
        XCTAssertTrue(completed, "\(stages(events, call.id))\n\(server.log)")
        XCTAssertTrue(server.log.contains("status=408 target=84711 [Switch] the provider did not transfer"), server.log)
        XCTAssertEqual(stages(events, call.id), ["requested 84711", "trying 84711", "completed 84711"])
        let refer = try XCTUnwrap(SIPpMessageLog(contentsOf: messages).received("REFER").first, server.log)
        XCTAssertEqual(refer.header("Refer-To"), "<sip:4711@127.0.0.1:\(gatewayPort)>")
        XCTAssertEqual(refer.header("Referred-By"), "\"Front Desk\" <sip:1001@127.0.0.1>", "the phone's Referred-By travels on")
        let phoneDone = try await ControlAPI.blocking { try phone.finish(timeout: 30) }
        XCTAssertEqual(phoneDone.successfulCalls, 1, "NOTIFYs until the last, then Parley's BYE\n" + phoneDone.output + server.log)
        let frags = SIPpMessageLog(contentsOf: phoneMessages).received("NOTIFY").map { String($0.body.prefix(11)) }
        XCTAssertEqual(frags.first, "SIP/2.0 100", "\(frags)")
        XCTAssertEqual(frags.filter { $0 == "SIP/2.0 100" }.count, 1, "one 100 Trying: \(frags)")
        XCTAssertEqual(frags.last, "SIP/2.0 200", "\(frags)")
        // The phone's subscription started at once, before the provider's silence ran out.
        let trying = try XCTUnwrap(server.log.range(of: "sipfrag=100"), server.log)
        let timedOut = try XCTUnwrap(server.log.range(of: "did not report the transfer's outcome in time"), server.log)
        XCTAssertLessThan(trying.lowerBound, timedOut.lowerBound, "NOTIFY 100 before the fall-back\n" + server.log)

        try await api.post(path(call.id, "hangup"), body: HangUpRequest())
        let carrierDone = try await ControlAPI.blocking { try carrier.finish(timeout: 30) }
        let gatewayDone = try await ControlAPI.blocking { try gateway.finish(timeout: 30) }
        XCTAssertEqual(carrierDone.successfulCalls, 1, carrierDone.output + "\n" + server.log)
        XCTAssertEqual(gatewayDone.successfulCalls, 1, gatewayDone.output + "\n" + server.log)
    }
}
