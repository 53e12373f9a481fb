import Codecs
import Control
import Foundation
import ParleyTesting
import XCTest

/// The control API of a running `parley` process against real SIP calls: the call list with
/// codecs and media counters, hang-up, the live event stream in order, call records with their
/// disposition, and `/metrics`.
final class ControlAPITests: XCTestCase {
    static let token = "control-test-token-0123456789"

    private func server(_ name: String, extraTop: String = "", token: String? = ControlAPITests.token) throws -> ParleyServer {
        let server = try ParleyServer(name: name, extraTop: extraTop, controlToken: token)
        addTeardownBlock { server.stop() }
        return server
    }

    private func caller(_ name: String) throws -> Baresip {
        let file = try PeerFiles.scratchDirectory("wav-ctl-\(name)").appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: AudioAnalysis.tone(frequency: 700, seconds: 60, sampleRate: 8000, amplitude: 5000),
                               sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: name, sourceWAV: file)
        try phone.start()
        addTeardownBlock { phone.stop() }
        return phone
    }

    func testAnEchoCallIsListedWithItsCodecAndHangingUpOverHTTPEndsItInOrder() async throws {
        let server = try server("ctl-echo")
        let api = try server.api()
        // Without the token nothing is served.
        do {
            _ = try await ControlAPI.calls(try ControlClient(baseURL: server.apiURL))
            XCTFail("the API answered without its token")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 401, "\(error)")
        }
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }

        let phone = try caller("echoer")
        try phone.dial("sip:9196@127.0.0.1:\(server.sipPort)")
        let established = try await ControlAPI.blocking { phone.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(established, phone.output() + server.log)

        // Listed with its codec, and its media counters move.
        let listed = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.to == "9196" && ($0.legs.first?.quality?.packetsReceived ?? 0) > 25 }
        }
        let call = try XCTUnwrap(listed, server.log)
        XCTAssertEqual(call.state, .answered)
        XCTAssertEqual(call.direction, .inbound)
        XCTAssertTrue(call.from.contains("echoer"), call.from)
        XCTAssertEqual(call.legs.count, 1)
        XCTAssertEqual(call.legs.first?.id, "caller")
        XCTAssertEqual(call.legs.first?.codec, "PCMU")
        XCTAssertEqual(call.legs.first?.srtp, false)
        XCTAssertNotNil(call.answeredAt)
        let one = try await api.get(LiveCall.self, "/calls/\(ControlClient.segment(call.id.rawValue))")
        XCTAssertEqual(one.id, call.id)
        // The same list from the command line (`parley calls`).
        let url = server.apiURL
        let table = try await ControlAPI.blocking {
            try Self.run(ParleyServer.binary, ["calls", "--url", url, "--token", Self.token])
        }
        XCTAssertTrue(table.contains(call.id.rawValue) && table.contains("PCMU") && table.contains("9196"), table)

        // A key press shows as a DTMF event.
        try phone.sendDTMF("5")
        let pressed = await events.wait { $0.contains { $0.event == .dtmf(digit: "5") } }
        XCTAssertTrue(pressed, "\(events.envelopes())")

        do {
            try await api.post("/calls/no-such-call/hangup", body: HangUpRequest())
            XCTFail("hanging up an unknown call must fail")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 404)
            XCTAssertEqual(ControlAPI.errorCode(error), "unknown_call")
        }
        try await api.post("/calls/\(ControlClient.segment(call.id.rawValue))/hangup", body: HangUpRequest())
        let closed = try await ControlAPI.blocking { phone.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(closed, "the phone never got BYE: \(phone.output())")
        let gone = try await ControlAPI.eventually { try await ControlAPI.calls(api).isEmpty ? true : nil }
        XCTAssertEqual(gone, true)

        // The call's events, in order, with increasing sequence numbers.
        let ended = await events.wait { $0.contains { $0.callID == call.id && $0.event.type == "callEnded" } }
        XCTAssertTrue(ended, "\(events.envelopes())")
        let mine = events.envelopes(call: call.id.rawValue)
        XCTAssertEqual(mine.map(\.event.type), ["callIncoming", "callAnswered", "dtmf", "callEnded"])
        XCTAssertEqual(mine.map(\.sequence), mine.map(\.sequence).sorted())
        XCTAssertEqual(mine.last?.event, .callEnded(disposition: "answered", reason: "hung up through the API"))
        if case .callIncoming(let from, let to, let trunk)? = mine.first?.event {
            XCTAssertTrue(from.contains("echoer"))
            XCTAssertEqual(to, "9196")
            XCTAssertNil(trunk)
        }
        let delays = events.events.filter { $0.envelope.callID == call.id }
            .map { $0.receivedAt.timeIntervalSince($0.envelope.time) * 1000 }
        print("control: event delay (switch event to SSE frame) ms: \(delays.map { String(format: "%.1f", $0) })")

        // One call record, answered, with its codec and media quality.
        let record = try await ControlAPI.record(api, callID: call.id.rawValue)
        let cdr = try XCTUnwrap(record, "no call record")
        XCTAssertEqual(cdr.disposition, .answered)
        XCTAssertEqual(cdr.to, "9196")
        XCTAssertEqual(cdr.codecs, ["PCMU"])
        XCTAssertEqual(cdr.hangupCause, "hung up through the API")
        XCTAssertNotNil(cdr.answeredAt)
        XCTAssertGreaterThan(cdr.billableSeconds, 0)
        let quality = try XCTUnwrap(cdr.quality)
        XCTAssertGreaterThan(quality.mos, 3.5)

        // The metrics count it.
        let metrics = try await api.send(.GET, "/metrics").text
        XCTAssertTrue(metrics.contains("parley_calls_total 1\n"), metrics)
        XCTAssertTrue(metrics.contains("parley_calls_ended_total{disposition=\"answered\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("parley_calls_active 0"), metrics)
        let received = metrics.split(separator: "\n").first { $0.hasPrefix("parley_rtp_packets_received_total ") }
        let packets = received.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        XCTAssertGreaterThan(packets, 25, metrics)
        for name in ParleyMetrics.Name.all {
            XCTAssertTrue(metrics.contains(name), "\(name) missing")
        }
    }

    func testTrunksAreListedWithTheirRegistrationState() async throws {
        let silent = try FreePorts.sipPort()
        let server = try server("ctl-trunks", extraTop: """
            trunks:
              - name: provider
                registrar: sip:127.0.0.1:\(silent)
                username: "4930123"
                password: provider-secret
                expires: 60
              - name: office
                registrar: sip:127.0.0.1:\(silent)
                register: false
                ip_auth: [127.0.0.9]
            """)
        let api = try server.api()
        let trunks = try await api.get([TrunkInfo].self, "/trunks")
        XCTAssertEqual(trunks.map(\.name), ["provider", "office"])
        let provider = try XCTUnwrap(trunks.first)
        // Nobody answers at the registrar: the trunk keeps trying.
        XCTAssertTrue([.registering, .failed].contains(provider.state), "\(provider)")
        XCTAssertEqual(provider.registrar, "sip:127.0.0.1:\(silent)")
        XCTAssertEqual(provider.activeCalls, 0)
        XCTAssertEqual(trunks.last?.state, .unregistered)
    }

    /// Runs a command and returns what it printed on standard output.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testCallRecordsTellAnsweredBusyAndUnreachableCallsApart() async throws {
        let server = try server("ctl-cdr", extraTop: ControlAPI.users)
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let alice = try ControlAPI.phone("1001", password: "alice-secret", server: server, for: self)
        let registered = await events.wait {
            $0.contains { envelope in
                guard case .registrationChanged(let user, let contact, let change) = envelope.event else { return false }
                return user == "1001" && contact.contains(":\(alice.sipPort)") && change == .registered
            }
        }
        XCTAssertTrue(registered, "\(events.envelopes().map(\.event))")
        let listed = try await api.get([RegistrationInfo].self, "/registrations")
        XCTAssertEqual(listed.map(\.user), ["1001"])
        XCTAssertEqual(listed.first?.contacts.first?.transport, "udp")

        // 1002 is a SIPp phone that answers every INVITE with 486.
        let work = try PeerFiles.scratchDirectory("sipp-ctl-busy")
        let busyPort = try FreePorts.sipPort()
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(busyPort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output)
        let busy = try SIPp.start(scenario: "uas_busy", arguments: ["127.0.0.1:\(server.sipPort)", "-p", "\(busyPort)", "-m", "1"],
                                  workingDirectory: work, timeout: 60)
        addTeardownBlock { busy.stop() }

        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        let refused = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(refused, alice.output())
        // 1003 has no phone registered.
        try alice.dial("sip:1003@127.0.0.1:\(server.sipPort)")
        let offline = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(offline, alice.output())

        let records = try await ControlAPI.eventually {
            let all = try await api.get([CallRecord].self, "/cdrs")
            return all.count >= 2 ? all : nil
        }
        let list = try XCTUnwrap(records, server.log)
        XCTAssertEqual(list.count, 2, "\(list)")
        let toBusy = try XCTUnwrap(list.first { $0.to == "1002" })
        XCTAssertEqual(toBusy.disposition, .busy)
        XCTAssertNil(toBusy.answeredAt)
        XCTAssertEqual(toBusy.billableSeconds, 0)
        XCTAssertEqual(toBusy.direction, .internal)
        XCTAssertTrue(toBusy.from.contains("1001"), toBusy.from)
        XCTAssertTrue(toBusy.hangupCause?.contains("486") == true, "\(toBusy.hangupCause ?? "-")")
        let toOffline = try XCTUnwrap(list.first { $0.to == "1003" })
        XCTAssertEqual(toOffline.disposition, .failed)
        XCTAssertEqual(toOffline.hangupCause, "callee offline")

        // Filtered and exported.
        let busyOnly = try await api.get([CallRecord].self, "/cdrs", query: [("disposition", "busy")])
        XCTAssertEqual(busyOnly.map(\.callID), [toBusy.callID])
        let csv = try await api.send(.GET, "/cdrs", query: [("format", "csv")]).text
        XCTAssertEqual(csv.split(separator: "\r\n").count, 3, csv)
        XCTAssertTrue(csv.contains(",busy,"), csv)
        let metrics = try await api.send(.GET, "/metrics").text
        XCTAssertTrue(metrics.contains("parley_calls_ended_total{disposition=\"busy\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("parley_calls_ended_total{disposition=\"failed\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("parley_registrations 2"), metrics)  // alice and the busy phone
    }
}
