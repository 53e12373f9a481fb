import Codecs
import Control
import Foundation
import ParleyTesting
import XCTest

/// Live events from a running Parley's `GET /events`, recorded with the moment each frame
/// arrived, for tests that check order and measure delay.
final class EventRecorder: @unchecked Sendable {
    struct Received: Sendable {
        var envelope: ControlEventEnvelope
        var receivedAt: Date
    }

    private let lock = NSLock()
    private var received: [Received] = []
    private var task: Task<Void, Never>?

    /// Subscribes to events published from now on: the stream resumes after the newest event
    /// the server already has (`after=`), so nothing is missed however late it connects.
    static func start(_ client: ControlClient, query: [(String, String)] = []) async throws -> EventRecorder {
        let recent = try await client.get([ControlEventEnvelope].self, "/events/recent")
        let after = recent.map(\.sequence).max() ?? 0
        let recorder = EventRecorder()
        recorder.task = Task {
            try? await client.stream("/events", query: query + [("after", "\(after)")]) { message in
                guard message.event != "dropped",
                      let envelope = try? ControlJSON.decode(ControlEventEnvelope.self, from: Data(message.data.utf8)) else {
                    return !Task.isCancelled
                }
                let now = Date()
                recorder.lock.withLock { recorder.received.append(Received(envelope: envelope, receivedAt: now)) }
                return !Task.isCancelled
            }
        }
        return recorder
    }

    var events: [Received] { lock.withLock { received } }

    func envelopes(call: String? = nil) -> [ControlEventEnvelope] {
        events.map(\.envelope).filter { call == nil || $0.callID?.rawValue == call }
    }

    /// Waits (liveness only) until `condition` holds for the events so far.
    func wait(timeout: TimeInterval = 30, until condition: ([ControlEventEnvelope]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(events.map(\.envelope)) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(events.map(\.envelope))
    }

    func stop() {
        task?.cancel()
    }
}

/// Small helpers the control API tests share.
enum ControlAPI {
    /// Polls `body` until it returns a value (liveness only).
    static func eventually<T>(timeout: TimeInterval = 30, _ body: () async throws -> T?) async throws -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try await body() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await body()
    }

    /// Runs blocking harness work (baresip and SIPp waits) off the cooperative pool.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
            DispatchQueue.global().async {
                do {
                    done.resume(returning: try work())
                } catch {
                    done.resume(throwing: error)
                }
            }
        }
    }

    /// The live calls.
    static func calls(_ client: ControlClient) async throws -> [LiveCall] {
        try await client.get([LiveCall].self, "/calls")
    }

    /// The first call record for `callID`, once written.
    static func record(_ client: ControlClient, callID: String) async throws -> CallRecord? {
        try await eventually {
            try await client.get([CallRecord].self, "/cdrs", query: [("call", callID)]).first
        }
    }

    /// The `code` of an API error, nil for anything else.
    static func errorCode(_ error: any Error) -> String? {
        guard case .api(_, let code, _)? = error as? ControlClientError else { return nil }
        return code
    }

    static func status(_ error: any Error) -> Int? {
        guard case .api(let status, _, _)? = error as? ControlClientError else { return nil }
        return status
    }

    /// A baresip phone registered as `user` with `password`, sending a `tone` Hz sine.
    static func phone(_ user: String, password: String, server: ParleyServer, tone: Double = 800,
                      for test: XCTestCase) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-ctl-\(user)")
        let file = dir.appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: AudioAnalysis.tone(frequency: tone, seconds: 120, sampleRate: 8000, amplitude: 5000),
                               sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: user, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: file,
                                registration: (port: server.sipPort, password: password))
        try phone.start()
        test.addTeardownBlock { phone.stop() }
        let deadline = Date().addingTimeInterval(20)
        while !server.log.contains("user=\(user) [Switch] registration"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(server.log.contains("user=\(user) [Switch] registration"), phone.output() + server.log)
        return phone
    }

    static let users = """
        users:
          - extension: "1001"
            password: alice-secret
          - extension: "1002"
            password: bob-secret
          - extension: "1003"
            password: carol-secret
        security:
          digest_algorithms: [MD5]
        """
}
