import Foundation
import Logging
import ParleyConfig
import ParleyTesting
import Switch
import Trunks
import XCTest

/// The switch in-process (real SIP on a free port) against Kamailio: trunk state is visible through
/// the Swift API.
final class TrunkStatusTests: XCTestCase {
    func testTrunkStatusIsVisibleFromSwift() throws {
        let kamailio = try KamailioTrunk(sipPort: try FreePorts.sipPort(), pstnPort: try FreePorts.sipPort())
        try kamailio.start()
        defer { kamailio.stop() }
        let ports = try FreePorts.udpRange(count: 16)
        let dir = try PeerFiles.scratchDirectory("switch-trunk-status")
        let yaml = """
            sip:
              port: \(try FreePorts.sipPort())
            rtp:
              port_min: \(ports.lowerBound)
              port_max: \(ports.upperBound)
            storage:
              data_dir: \(dir.path)
            trunks:
              - name: provider
                registrar: sip:127.0.0.1:\(kamailio.sipPort)
                username: pbx
                password: pbxsecret
                expires: 120
            """
        let config = try ParleyConfiguration.parse(yaml, file: "test.yaml", baseDirectory: dir, checkFiles: false)
        let parley = try Switch(configuration: config, logger: Logger(label: "test"))
        try parley.start()
        defer { parley.shutdown(timeout: .seconds(2)) }
        let deadline = Date().addingTimeInterval(15)
        while parley.trunkStatus["provider"]?.isRegistered(at: Date()) != true, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let status = try XCTUnwrap(parley.trunkStatus["provider"])
        XCTAssertTrue(status.isRegistered(at: Date()), "\(status)")
        XCTAssertEqual(status.registrar, "sip:127.0.0.1:\(kamailio.sipPort)")
        XCTAssertEqual(status.lastStatusCode, 200)
        XCTAssertFalse(kamailio.registeredContacts(of: "pbx").isEmpty)
    }
}
