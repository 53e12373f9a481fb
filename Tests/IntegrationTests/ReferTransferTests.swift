import Control
import Foundation
import ParleyTesting
import XCTest

/// Parley-initiated transfer by REFER (issue 6): a SIPp UAC plays a carrier whose trunk opts in
/// (`transfer: refer`) and whose INVITE allows REFER. Its call reaches the echo test through a
/// DID; the control API transfers it to a number on the same trunk. A carrier that accepts the
/// REFER (202, NOTIFY sipfrag 200) gets BYE from Parley; one that refuses it (405) stays with
/// Parley, which rings the number itself on the trunk (a SIPp UAS as the carrier's gateway).
final class ReferTransferTests: XCTestCase {
    private let did = "15557654321"

    private func parley(_ name: String, gatewayPort: UInt16, extension ext: String = "9196", agents: URL? = nil) throws -> ParleyServer {
        try ParleyServer(name: name, extraDialplan: """
              - prefix: "8"
                action: trunk
                trunk: carrier
                strip: 1
            """ + (agents == nil ? "" : """

              - extension: "9000"
                action: agent
                agent: receptionist
            """), extraTop: (agents.map { "agents:\n  directory: \($0.path)\n" } ?? "") + """
            trunks:
              - name: carrier
                registrar: sip:127.0.0.1:\(gatewayPort)
                register: false
                ip_auth: [127.0.0.1]
                transfer: refer
            inbound:
              - did: "\(did)"
                extension: "\(ext)"
            """)
    }

    private func path(_ id: CallID, _ action: String) -> String {
        "/calls/\(ControlClient.segment(id.rawValue))/\(action)"
    }

    /// Starts the carrier's call into Parley and returns it once the API shows it answered.
    private func carrierCall(_ scenario: String, server: ParleyServer, api: ControlClient,
                             work: URL, messages: URL) async throws -> (SIPpInstance, LiveCall) {
        let carrier = try SIPp.start(scenario: scenario, arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", did, "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 60)
        let found = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.state == .answered && $0.trunk == "carrier" }
        }
        let call = try XCTUnwrap(found, "the carrier's call never came up\n\(server.log)")
        return (carrier, call)
    }

    private func stages(_ events: EventRecorder, _ call: LiveCall) -> [String] {
        events.envelopes(call: call.id.rawValue).compactMap { envelope -> String? in
            if case .transferProgress(let stage, let target) = envelope.event { return "\(stage.rawValue) \(target)" }
            return nil
        }
    }

    func testACarrierThatAcceptsTheREFERConnectsTheCallerAndParleyLeaves() async throws {
        let gatewayPort = try FreePorts.sipPort()
        let server = try parley("refer-accepted", gatewayPort: gatewayPort)
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-refer-accepted")
        let messages = work.appendingPathComponent("carrier-messages.log")
        let (carrier, call) = try await carrierCall("xfer_carrier_refer", server: server, api: api, work: work, messages: messages)

        try await api.post(path(call.id, "transfer"), body: TransferRequest.blind(target: "84711"))
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 40) }
        XCTAssertEqual(finished.successfulCalls, 1, finished.output + "\n" + server.log)
        let seen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("Refer-To: <sip:4711@127.0.0.1:\(gatewayPort)>"), "wrong Refer-To:\n\(seen.suffix(3000))")
        XCTAssertTrue(seen.contains("Referred-By: <sip:parley@127.0.0.1:\(server.sipPort)>"), "no Referred-By:\n\(seen.suffix(3000))")
        XCTAssertTrue(server.log.contains("transferred by REFER; Parley leaves the call"), server.log)
        XCTAssertFalse(server.log.contains("dialling out"), "Parley must not ring the target itself:\n\(server.log)")
        let completed = await events.wait { _ in self.stages(events, call).last == "completed 84711" }
        XCTAssertTrue(completed, "\(stages(events, call))")
        XCTAssertEqual(stages(events, call).first, "requested 84711")
        let record = try await ControlAPI.eventually { try await ControlAPI.record(api, callID: call.id.rawValue) }
        XCTAssertEqual(record?.hangupCause, "transferred by REFER", "\(String(describing: record))")
    }

    func testWhenTheCarrierRefusesTheREFERParleyRingsTheTargetItself() async throws {
        try await fallsBack(scenario: "xfer_carrier_refer_refused", name: "refer-refused", status: 405)
    }

    func testWhenTheCarrierReportsTheTargetFailedParleyRingsTheTargetItself() async throws {
        try await fallsBack(scenario: "xfer_carrier_refer_notify_503", name: "refer-notify-503", status: 503)
    }

    /// The carrier's `scenario` does not transfer (it ends with `status`): Parley rings the number
    /// on the trunk itself (a SIPp UAS gateway answers) and bridges the caller to it.
    private func fallsBack(scenario: String, name: String, status: Int) async throws {
        let gatewayPort = try FreePorts.sipPort()
        let server = try parley(name, gatewayPort: gatewayPort)
        defer { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-\(name)")
        let gatewayMessages = work.appendingPathComponent("gateway-messages.log")
        let gateway = try SIPp.start(scenario: "uas", arguments: [
            "-p", "\(gatewayPort)", "-m", "1", "-trace_msg", "-message_file", gatewayMessages.path,
        ], workingDirectory: work, timeout: 60)
        let bound = try await ControlAPI.blocking { FreePorts.waitUntilBound(gatewayPort, udp: true, timeout: 10) }
        XCTAssertTrue(bound)
        let messages = work.appendingPathComponent("carrier-messages.log")
        let (carrier, call) = try await carrierCall(scenario, server: server, api: api, work: work, messages: messages)

        try await api.post(path(call.id, "transfer"), body: TransferRequest.blind(target: "84711"))
        // The gateway answers Parley's own INVITE: the caller is now bridged to it inside Parley.
        let completed = await events.wait { _ in self.stages(events, call).last == "completed 84711" }
        XCTAssertTrue(completed, "\(stages(events, call))\n\(server.log)")
        XCTAssertTrue(server.log.contains("the provider did not transfer; transferring inside Parley"), server.log)
        XCTAssertTrue(server.log.contains("status=\(status) target=84711 [Switch] the provider did not transfer"), server.log)
        let live = try await api.get(LiveCall.self, "/calls/\(ControlClient.segment(call.id.rawValue))")
        XCTAssertTrue(live.legs.contains { $0.remoteURI.contains("4711@127.0.0.1:\(gatewayPort)") }, "\(live.legs)")

        try await api.post(path(call.id, "hangup"), body: HangUpRequest())
        let carrierDone = try await ControlAPI.blocking { try carrier.finish(timeout: 30) }
        let gatewayDone = try await ControlAPI.blocking { try gateway.finish(timeout: 30) }
        XCTAssertEqual(carrierDone.successfulCalls, 1, carrierDone.output + "\n" + server.log)
        XCTAssertEqual(gatewayDone.successfulCalls, 1, gatewayDone.output + "\n" + server.log)
        let carrierSeen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(carrierSeen.contains("REFER sip:"), "the carrier was never asked:\n\(carrierSeen.suffix(3000))")
        let gatewaySeen = (try? String(contentsOf: gatewayMessages, encoding: .utf8)) ?? ""
        XCTAssertTrue(gatewaySeen.contains("INVITE sip:4711@"), "Parley did not ring the target:\n\(gatewaySeen.prefix(2000))")
    }

    /// The agent's own transfer tool (the receptionist's front desk, here a number on the
    /// carrier's trunk) goes the same way: the caller presses 0, the agent transfers, the
    /// carrier takes the REFER, and the agent's tool call succeeds as Parley leaves the call.
    func testTheAgentsTransferToolHandsATrunkCallerToTheCarrierByREFER() async throws {
        let gatewayPort = try FreePorts.sipPort()
        let agents = try AgentCallSupport.agentsFolder("refer") { $0.replacingOccurrences(of: "target: \"1001\"", with: "target: \"84711\"") }
        let server = try parley("refer-agent", gatewayPort: gatewayPort, extension: "9000", agents: agents)
        defer { server.stop() }
        let api = try server.api()
        let work = try PeerFiles.scratchDirectory("sipp-refer-agent")
        let messages = work.appendingPathComponent("carrier-messages.log")
        let (carrier, _) = try await carrierCall("xfer_carrier_refer_agent", server: server, api: api, work: work, messages: messages)
        let finished = try await ControlAPI.blocking { try carrier.finish(timeout: 60) }
        XCTAssertEqual(finished.successfulCalls, 1, finished.output + "\n" + server.log)
        let seen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("Refer-To: <sip:4711@127.0.0.1:\(gatewayPort)>"), "wrong Refer-To:\n\(seen.suffix(3000))")
        XCTAssertTrue(server.log.contains("transferred by REFER; Parley leaves the call"), server.log)
        XCTAssertFalse(server.log.contains("dialling out"), "Parley must not ring the target itself:\n\(server.log)")
        server.stop()
        let turns = try XCTUnwrap(try AgentCallSupport.conversations(in: server.dataDirectory).first?.turns, server.log)
        XCTAssertTrue(turns.contains { $0.toolResult?.ok == true }, "the transfer tool's result: \(turns)")
    }
}
