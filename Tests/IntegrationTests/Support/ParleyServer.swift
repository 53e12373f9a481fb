import Control
import Foundation
import ParleyTesting
import XCTest

/// A real `parley` process on free loopback ports with a generated configuration.
final class ParleyServer {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The parley binary: $PARLEY_BIN, else next to the test bundle, else .build/debug.
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["PARLEY_BIN"] { return env }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parley")
        if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling.path }
        for dir in [".build/debug", ".build/x86_64-unknown-linux-gnu/debug", ".build/aarch64-unknown-linux-gnu/debug"] {
            let candidate = repoRoot.appendingPathComponent(dir).appendingPathComponent("parley")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return sibling.path
    }

    let sipPort: UInt16
    /// The control API's port (every server gets its own, so none collides on 8089).
    let controlPort: UInt16
    let controlToken: String?
    let rtpRange: ClosedRange<UInt16>
    let directory: URL
    let configFile: URL
    var dataDirectory: URL { directory.appendingPathComponent("data") }
    let process: ChildProcess

    /// Starts parley with the default dialplan plus `extraDialplan` YAML list items.
    /// `extraTop` is YAML appended at the top level (e.g. `users:`); `dataDirectory` reuses a
    /// previous server's data (restart tests). `controlToken` makes the control API demand it;
    /// `rtpPorts` widens the RTP range (load tests).
    init(name: String, extraDialplan: String = "", extraRTP: [String] = [], extraTop: String = "",
         dataDirectory: URL? = nil, controlToken: String? = nil, rtpPorts: Int = 64) throws {
        sipPort = try FreePorts.sipPort()
        controlPort = try FreePorts.sipPort()
        self.controlToken = controlToken
        rtpRange = try FreePorts.udpRange(count: rtpPorts)
        directory = try PeerFiles.scratchDirectory("parley-\(name)")
        configFile = directory.appendingPathComponent("parley.yaml")
        let yaml = """
            sip:
              listen: 127.0.0.1
              port: \(sipPort)
            rtp:
              address: 127.0.0.1
              port_min: \(rtpRange.lowerBound)
              port_max: \(rtpRange.upperBound)
              threads: 2
            \(extraRTP.map { "  " + $0 }.joined(separator: "\n"))
            storage:
              data_dir: \((dataDirectory ?? directory.appendingPathComponent("data")).path)
            sounds: \(Self.repoRoot.appendingPathComponent("sounds").path)
            log:
              level: debug
            control:
              listen: 127.0.0.1
              port: \(controlPort)
            \(controlToken.map { "  token: \($0)" } ?? "")
            dialplan:
              - extension: "9196"
                action: echo
              - extension: "9664"
                action: playback
                sound: music/hold
                loop: true
              - extension: "9100"
                action: playback
                sound: en/welcome
                early_media_ms: 1000
              - extension: "9101"
                action: playback
                sound: en/goodbye
            \(extraDialplan)
            \(extraTop)
            """
        try Data(yaml.utf8).write(to: configFile)
        process = ChildProcess(executable: Self.binary, arguments: ["--config", configFile.path],
                               workingDirectory: directory, logFile: directory.appendingPathComponent("parley.log"))
        try process.start()
        guard process.waitForOutput(containing: "parley started", timeout: 30) else {
            let log = process.output()
            process.terminate()
            throw ProbeError("parley did not start:\n\(log)")
        }
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32? {
        process.terminate(grace: 10)
        return process.waitForExit(timeout: 15)
    }

    var log: String { process.output() }

    /// The control API's base URL.
    var apiURL: String { "http://127.0.0.1:\(controlPort)" }

    /// A client of the control API (with the server's token).
    func api() throws -> ControlClient {
        try ControlClient(baseURL: apiURL, token: controlToken, timeout: .seconds(30))
    }

    deinit { process.terminate(grace: 2) }
}
