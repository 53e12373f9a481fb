import Foundation
import ParleyConfig
import XCTest

final class ConfigTests: XCTestCase {
    private let base = URL(fileURLWithPath: "/tmp/parley-config-tests/conf")

    private func parse(_ text: String) throws(ConfigError) -> ParleyConfiguration {
        try ParleyConfiguration.parse(text, file: "test.yaml", baseDirectory: base, checkFiles: false)
    }

    private func expectError(_ text: String, line: Int?, containing fragment: String,
                             file: StaticString = #filePath, lineNumber: UInt = #line) {
        do {
            _ = try parse(text)
            XCTFail("expected an error for:\n\(text)", file: file, line: lineNumber)
        } catch {
            XCTAssertEqual(error.line, line, "line of: \(error)", file: file, line: lineNumber)
            XCTAssertTrue(error.description.contains(fragment), "\(error) lacks '\(fragment)'", file: file, line: lineNumber)
            XCTAssertTrue(error.description.hasPrefix("test.yaml:"), "\(error)", file: file, line: lineNumber)
        }
    }

    func testDefaultConfigurationFileLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try ParleyConfiguration.load(path: root.appendingPathComponent("conf/parley.yaml").path)
        XCTAssertEqual(config.sip.listen, "127.0.0.1")
        XCTAssertEqual(config.sip.port, 5060)
        XCTAssertEqual(config.rtp.portMin, 16384)
        XCTAssertEqual(config.rtp.portMax, 32767)
        XCTAssertEqual(config.extensionFor("9196")?.action, .echo)
        XCTAssertEqual(config.extensionFor("9664")?.action, .playback(sound: "music/hold", loop: true, hangupAtEnd: false))
        XCTAssertEqual(config.soundsDirectory.standardizedFileURL, root.appendingPathComponent("sounds").standardizedFileURL)
        XCTAssertEqual(config.dataDirectory.lastPathComponent, "data")
        // Issue 4: demo users on loopback, no trunks until the examples are uncommented.
        XCTAssertEqual(config.sip.realm, "127.0.0.1")
        XCTAssertTrue(config.demoUsers)
        XCTAssertTrue(config.usesDemoPasswords)
        XCTAssertEqual(config.users.count, 20)
        XCTAssertEqual(config.user("1000")?.secret, .password("demo1000"))
        XCTAssertEqual(config.user("1019")?.secret, .password("demo1019"))
        XCTAssertEqual(config.route(for: "1001"), .user(extension: "1001", ringTimeoutSeconds: 30))
        XCTAssertEqual(config.route(for: "9196"), .echo)
        XCTAssertNil(config.route(for: "0301234"))
        XCTAssertEqual(config.trunks, [])
        XCTAssertEqual(config.inbound, [])
        XCTAssertEqual(config.security, ParleyConfiguration.Security())
    }

    /// The `#| ` lines in conf/parley.yaml document users, trunks and routes; uncommented, they
    /// must load and route as their comments say.
    func testDefaultFileExamplesAreValid() throws {
        let path = ConfigFixture.defaultFile
        let original = try String(contentsOf: path, encoding: .utf8)
        let text = ConfigFixture.uncommentingExamples(original)
        XCTAssertGreaterThan(text.split(separator: "\n").count, 0)
        XCTAssertNotEqual(text, original, "conf/parley.yaml should carry #| examples")
        let config = try ParleyConfiguration.parse(text, file: path.path, baseDirectory: path.deletingLastPathComponent())
        XCTAssertEqual(config.trunks.map(\.name), ["provider", "office-pbx"])
        XCTAssertEqual(config.trunk(named: "provider")?.register, true)
        XCTAssertEqual(config.trunk(named: "office-pbx")?.register, false)
        XCTAssertEqual(config.user("1001")?.secret, .password("change-me-1001"))
        XCTAssertEqual(config.user("2001")?.secret, .ha1("58985395372a242d19889733ba47a1d7"))
        XCTAssertEqual(config.users.count, 21)
        XCTAssertEqual(config.route(for: "100"), .user(extension: "1001", ringTimeoutSeconds: 20))
        XCTAssertEqual(config.route(for: "0301234"), .trunk(name: "provider", number: "301234"))
        XCTAssertEqual(config.route(for: "00441234"), .trunk(name: "provider", number: "+441234"))
        XCTAssertEqual(config.route(for: "112"), .trunk(name: "provider", number: "112"))
        XCTAssertEqual(config.route(for: "8123"), .trunk(name: "office-pbx", number: "123"))
        XCTAssertEqual(config.inboundRoute(trunk: "provider", did: "+4930123456"), "100")
        XCTAssertEqual(config.inboundRoute(trunk: "office-pbx", did: "+493012345678"), "2001")
        XCTAssertEqual(config.inboundRoute(trunk: "office-pbx", did: "+4930123456"), "9664")
    }

    func testValuesAreRead() throws {
        let config = try parse("""
            sip:
              listen: ::1
              port: 15060
            rtp:
              port_min: 40000
              port_max: 40100
              codecs: [PCMA]
            storage:
              data_dir: /var/lib/parley
            log:
              level: debug
            dialplan:
              - extension: "100"
                action: playback
                sound: en/goodbye
                early_media_ms: 500
            """)
        XCTAssertEqual(config.sip.listen, "::1")
        XCTAssertEqual(config.sip.port, 15060)
        XCTAssertEqual(config.rtp.portMin...config.rtp.portMax, 40000...40100)
        XCTAssertEqual(config.rtp.codecs, ["PCMA"])
        XCTAssertEqual(config.dataDirectory.path, "/var/lib/parley")
        XCTAssertEqual(config.logLevel, "debug")
        let ext = try XCTUnwrap(config.extensionFor("100"))
        XCTAssertEqual(ext.action, .playback(sound: "en/goodbye", loop: false, hangupAtEnd: true))
        XCTAssertEqual(ext.earlyMediaMilliseconds, 500)
        XCTAssertEqual(ext.line, 13)
    }

    func testUnknownKeysAreRejectedWithTheirLine() {
        expectError("sip:\n  port: 5070\n  lisen: 127.0.0.1\n", line: 3, containing: "unknown key 'sip.lisen'")
        expectError("sip:\n  port: 5070\ncolour: blue\n", line: 3, containing: "unknown key 'colour'")
        expectError("dialplan:\n  - extension: \"1\"\n    action: echo\n    volume: 3\n", line: 4, containing: "dialplan[0].volume")
    }

    func testWrongTypesAreRejected() {
        expectError("sip:\n  port: fifty\n", line: 2, containing: "expected a whole number")
        expectError("sip: 5060\n", line: 1, containing: "expected a mapping")
        expectError("rtp:\n  codecs: PCMU\n", line: 2, containing: "expected a list")
        expectError("dialplan:\n  - extension: \"9\"\n    action: playback\n    sound: x\n    loop: maybe\n", line: 5, containing: "true or false")
    }

    func testImpossibleValuesAreRejected() {
        expectError("sip:\n  port: 70000\n", line: 2, containing: "out of range")
        expectError("sip:\n  listen: localhost.example\n", line: 2, containing: "not an IPv4 or IPv6 address")
        expectError("rtp:\n  port_min: 30000\n  port_max: 30001\n", line: 3, containing: "port_max must be at least")
        expectError("rtp:\n  codecs: [G729]\n", line: 2, containing: "unsupported codec 'G729'")
        expectError("rtp:\n  ptime: 30\n", line: 2, containing: "only ptime 20")
        expectError("log:\n  level: loud\n", line: 2, containing: "'loud' is not one of")
        expectError("dialplan:\n  - extension: \"1\"\n    action: dance\n", line: 3, containing: "'dance' is not one of")
        expectError("dialplan:\n  - extension: \"1\"\n    action: echo\n  - extension: \"1\"\n    action: echo\n", line: 4, containing: "defined twice")
        expectError("dialplan:\n  - action: echo\n", line: 2, containing: "needs 'extension'")
        expectError("dialplan:\n  - extension: \"7\"\n    action: playback\n", line: 2, containing: "needs 'sound'")
        expectError("dialplan:\n  - extension: \"7\"\n    action: playback\n    sound: a\n    loop: true\n    hangup_at_end: true\n",
                    line: 6, containing: "never ends")
    }

    func testBrokenYAMLNamesTheLine() {
        expectError("sip:\n  port: 5060\n  listen: [127.0.0.1\nrtp:\n", line: 4, containing: "not valid YAML")
        expectError("", line: 1, containing: "empty")
    }

    func testMissingSoundFileIsReportedAtItsLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sounds/en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0]).write(to: dir.appendingPathComponent("sounds/en/hello-8k.wav"))
        let text = "sounds: sounds\ndialplan:\n  - extension: \"1\"\n    action: playback\n    sound: en/hello\n  - extension: \"2\"\n    action: playback\n    sound: en/missing\n"
        let file = dir.appendingPathComponent("p.yaml")
        try Data(text.utf8).write(to: file)
        XCTAssertThrowsError(try ParleyConfiguration.load(path: file.path)) { error in
            let e = error as? ConfigError
            XCTAssertEqual(e?.line, 8)
            XCTAssertTrue(e?.description.contains("sound 'en/missing' not found") ?? false, "\(error)")
        }
    }

    func testUnreadableFileIsAClearError() {
        XCTAssertThrowsError(try ParleyConfiguration.load(path: "/nonexistent/parley.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/parley.yaml: cannot read"), "\(error)")
        }
    }
}
