import Foundation
import Logging
import ParleyConfig
import ParleyTesting
import Switch
import XCTest

/// A real switch in the test process on free loopback ports, with users 1001 (alice-secret) and
/// 1002 (bob-secret), MD5 digests, and `extraYAML` appended at the top level (e.g. a dialplan).
enum InProcessSwitch {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Builds it (not yet started) and returns it with its SIP port.
    static func make(_ name: String, extraYAML: String = "") throws -> (Switch, UInt16) {
        let ports = try FreePorts.udpRange(count: 16)
        let sipPort = try FreePorts.sipPort()
        let dir = try PeerFiles.scratchDirectory("switch-\(name)")
        let yaml = """
            sip:
              listen: 127.0.0.1
              port: \(sipPort)
            rtp:
              address: 127.0.0.1
              port_min: \(ports.lowerBound)
              port_max: \(ports.upperBound)
            storage:
              data_dir: \(dir.path)
            sounds: \(repoRoot.appendingPathComponent("sounds").path)
            users:
              - extension: "1001"
                password: alice-secret
              - extension: "1002"
                password: bob-secret
            security:
              digest_algorithms: [MD5]

            """ + extraYAML
        let config = try ParleyConfiguration.parse(yaml, file: "test.yaml", baseDirectory: dir, checkFiles: false)
        return (try Switch(configuration: config, logger: Logger(label: "parley-\(name)")), sipPort)
    }
}
