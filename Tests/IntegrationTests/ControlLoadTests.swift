import Control
import Foundation
import ParleyTesting
import XCTest

/// The control API while Parley carries many calls: SIPp holds N echo calls streaming RTP
/// (default 100; `PARLEY_CONTROL_LOAD_CALLS` sets it, up to 240) plus one call with the agent.
/// The test checks every call is listed with its codec and every call's events arrive; the
/// figures (API latency of the call list, one call and a conversation query, measured with curl;
/// delay from switch event to SSE frame) are printed as one JSON line, never asserted.
final class ControlLoadTests: XCTestCase {
    func testTheAPIAnswersUnderManyLiveCalls() async throws {
        let calls = min(max(Int(ProcessInfo.processInfo.environment["PARLEY_CONTROL_LOAD_CALLS"] ?? "") ?? 100, 1), 240)
        let server = try ParleyServer(name: "ctl-load", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: "agents:\n  directory: \(AgentCallSupport.repoAgents.path)\n",
                                      rtpPorts: min(1000, calls * 2 + 80))
        addTeardownBlock { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }

        // One agent call, for a conversation to query.
        let phone = try Baresip(name: "loadagent", sourceWAV: try AgentCallSupport.wav("ctl-load", AgentCallSupport.silence(120)))
        try phone.start()
        addTeardownBlock { phone.stop() }
        try phone.dial("sip:9000@127.0.0.1:\(server.sipPort)")
        let agentUp = try await ControlAPI.blocking { phone.waitForEvent("CALL_ESTABLISHED", timeout: 30) }
        XCTAssertTrue(agentUp, phone.output() + server.log)

        let work = try PeerFiles.scratchDirectory("sipp-ctl-load")
        let media = try FreePorts.udpRange(count: min(1000, calls * 4 + 8))
        let holdMilliseconds = 20_000 + calls * 100
        let sipp = try SIPp.start(scenario: "uac_rtp_echo", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(try FreePorts.sipPort())", "-mp", "\(media.lowerBound)",
            "-r", "20", "-l", "\(calls)", "-m", "\(calls)", "-d", "\(holdMilliseconds)",
        ], workingDirectory: work, timeout: Double(holdMilliseconds) / 1000 + 120)
        addTeardownBlock { sipp.stop() }

        let all = try await ControlAPI.eventually(timeout: Double(calls) / 10 + 60) {
            let list = try await ControlAPI.calls(api)
            return list.filter { $0.to == "9196" && $0.state == .answered }.count >= calls ? list : nil
        }
        let list = try XCTUnwrap(all, "not every call came up: \(server.log.suffix(3000))")
        let echo = list.filter { $0.to == "9196" }
        XCTAssertEqual(echo.count, calls)
        XCTAssertTrue(echo.allSatisfy { $0.legs.first?.codec == "PCMU" })
        let conversation = try XCTUnwrap(list.first { $0.to == "9000" }?.conversationID)
        let one = try XCTUnwrap(echo.first).id

        // Latency with every call up and streaming, as curl sees it (connect, request, last byte
        // of the answer), and through the Swift client with and without decoding the JSON.
        let base = server.apiURL
        let oneCall = "/calls/\(ControlClient.segment(one.rawValue))"
        let turns = "/conversations/\(ControlClient.segment(conversation))/queries/turns"
        let client = try await Self.timed(10) { try await Self.fetch(api, "/calls") }
        var listing = client, lookup: [Double] = [], query: [Double] = []
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            listing = try await ControlAPI.blocking { try Self.curl(base + "/calls", times: 30) }
            lookup = try await ControlAPI.blocking { try Self.curl(base + oneCall, times: 30) }
            query = try await ControlAPI.blocking { try Self.curl(base + turns, times: 30) }
        } else {
            lookup = try await Self.timed(30) { try await Self.fetch(api, oneCall) }
            query = try await Self.timed(30) { try await Self.fetch(api, turns) }
        }
        let decoded = try await Self.timed(5) { _ = try await ControlAPI.calls(api) }
        let delays = events.events.filter { $0.envelope.event.type == "callIncoming" || $0.envelope.event.type == "callAnswered" }
            .map { $0.receivedAt.timeIntervalSince($0.envelope.time) * 1000 }.sorted()
        let figures = [
            "calls": Double(calls + 1),
            "list_p50_ms": Self.percentile(listing, 0.5), "list_p95_ms": Self.percentile(listing, 0.95),
            "list_max_ms": listing.max() ?? 0, "list_swift_client_p50_ms": Self.percentile(client, 0.5),
            "list_swift_client_decoded_p50_ms": Self.percentile(decoded, 0.5),
            "call_p50_ms": Self.percentile(lookup, 0.5), "call_p95_ms": Self.percentile(lookup, 0.95),
            "query_p50_ms": Self.percentile(query, 0.5), "query_p95_ms": Self.percentile(query, 0.95),
            "event_delay_p50_ms": Self.percentile(delays, 0.5), "event_delay_p95_ms": Self.percentile(delays, 0.95),
            "event_delay_max_ms": delays.last ?? 0, "events": Double(delays.count),
        ]
        let json = figures.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(String(format: "%.1f", $0.value))" }
        print("control-load: {\(json.joined(separator: ","))}")
        XCTAssertEqual(delays.count, 2 * (calls + 1), "an incoming and an answered event per call")

        try phone.hangup()
        let result = try await ControlAPI.blocking { try sipp.finish(timeout: Double(holdMilliseconds) / 1000 + 60) }
        XCTAssertEqual(result.successfulCalls, calls, result.output)
    }

    /// One GET, its whole answer read; fails on an error status.
    private static func fetch(_ api: ControlClient, _ path: String) async throws {
        let response = try await api.send(.GET, path)
        XCTAssertFalse(response.body.isEmpty)
    }

    /// Milliseconds curl took for each of `times` GETs of `url` (sorted).
    private static func curl(_ url: String, times: Int) throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<times {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-s", "-f", "-o", "/dev/null", "-w", "%{time_total}", url]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "curl \(url)")
            if let seconds = Double(String(decoding: data, as: UTF8.self)) { samples.append(seconds * 1000) }
        }
        return samples.sorted()
    }

    /// Milliseconds of `count` sequential runs of `work`.
    private static func timed(_ count: Int, _ work: () async throws -> Void) async throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            try await work()
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return samples.sorted()
    }

    private static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
