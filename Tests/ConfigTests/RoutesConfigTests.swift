import Foundation
import ParleyConfig
import XCTest

final class RoutesConfigTests: XCTestCase {
    /// Two users, a registering trunk, a send-only trunk and an inbound-only trunk.
    private let preamble = """
        users:
          - extension: "1001"
            password: a
          - extension: "1002"
            password: b
        trunks:
          - name: provider
            registrar: gw.example
            register: false
          - name: backup
            registrar: gw2.example
            register: false
          - name: inonly
            ip_auth: [192.0.2.1]

        """

    private func config(_ dialplan: String, inbound: String = "") throws -> ParleyConfiguration {
        try ConfigFixture.parse(preamble + "dialplan:\n" + dialplan + "\n" + (inbound.isEmpty ? "" : "inbound:\n" + inbound))
    }

    func testExactThenUsersThenLongestPrefixThenPatternsInFileOrder() throws {
        let c = try config("""
              - extension: "9196"
                action: echo
              - extension: "100"
                action: user
                target: "1002"
                ring_timeout_s: 12
              - pattern: "9[0-9]{3}"
                action: trunk
                trunk: backup
              - prefix: "9"
                action: trunk
                trunk: provider
                strip: 1
              - prefix: "900"
                action: trunk
                trunk: backup
                strip: 3
                prepend: "+1900"
              - prefix: "1"
                action: trunk
                trunk: provider
              - pattern: "[0-9]{3}"
                action: trunk
                trunk: provider
                prepend: "0"
              - pattern: "[0-9]{2,3}"
                action: trunk
                trunk: backup
            """)
        XCTAssertEqual(c.route(for: "9196"), .echo, "an exact extension beats prefix 9 and the 9xxx pattern")
        XCTAssertEqual(c.route(for: "100"), .user(extension: "1002", ringTimeoutSeconds: 12))
        XCTAssertEqual(c.route(for: "1001"), .user(extension: "1001", ringTimeoutSeconds: 30), "a user's extension beats prefix 1")
        XCTAssertEqual(c.route(for: "1003"), .trunk(name: "provider", number: "1003"))
        XCTAssertEqual(c.route(for: "91234"), .trunk(name: "provider", number: "1234"), "a prefix beats a pattern")
        XCTAssertEqual(c.route(for: "9005551"), .trunk(name: "backup", number: "+19005551"), "the longest prefix wins")
        XCTAssertEqual(c.route(for: "9"), nil, "stripping every digit leaves nothing to dial; no pattern matches")
        XCTAssertEqual(c.route(for: "555"), .trunk(name: "provider", number: "0555"), "the first pattern in the file wins")
        XCTAssertEqual(c.route(for: "55"), .trunk(name: "backup", number: "55"))
        XCTAssertEqual(c.route(for: "5555"), nil, "patterns match the whole number")
        XCTAssertEqual(c.route(for: ""), nil)
        XCTAssertEqual(c.route(for: "alice"), nil)
    }

    func testAPrefixThatStripsEverythingFallsBackToAShorterOne() throws {
        let c = try config("""
              - prefix: "0"
                action: trunk
                trunk: provider
              - prefix: "00"
                action: trunk
                trunk: backup
                strip: 2
            """)
        XCTAssertEqual(c.route(for: "00"), .trunk(name: "provider", number: "00"))
        XCTAssertEqual(c.route(for: "0049"), .trunk(name: "backup", number: "49"))
    }

    func testRulesKeepEveryEntryAndDialplanKeepsTheLocalOnes() throws {
        let c = try config("""
              - extension: "9196"
                action: echo
                early_media_ms: 200
              - extension: "9664"
                action: playback
                sound: music/hold
                loop: true
              - extension: "1001"
                action: user
              - prefix: "0"
                action: trunk
                trunk: provider
            """)
        XCTAssertEqual(c.dialplanRules.count, 4)
        XCTAssertEqual(c.dialplan.map(\.number), ["9196", "9664"])
        XCTAssertEqual(c.extensionFor("9196")?.earlyMediaMilliseconds, 200)
        XCTAssertEqual(c.dialplanRules[0].earlyMediaMilliseconds, 200)
        XCTAssertEqual(c.route(for: "9664"), .playback(sound: "music/hold", loop: true, hangupAtEnd: false))
        XCTAssertEqual(c.dialplanRules[2].target, .user(extension: "1001", ringTimeoutSeconds: 30), "target defaults to the extension")
        XCTAssertEqual(c.dialplanRules[3].match, .prefix("0"))
        XCTAssertEqual(c.dialplanRules[3].target, .trunk(name: "provider", strip: 0, prepend: ""))
        XCTAssertEqual(c.dialplanRules.map(\.line), [16, 19, 23, 25])
        XCTAssertNil(c.extensionFor("1001"), "user and trunk entries are not Extensions")
    }

    func testDialplanErrors() {
        // The preamble is 14 lines and "dialplan:" is line 15, so the first entry starts on 16.
        let trunk = "  - prefix: \"0\"\n    action: trunk\n"
        assertDialplanError(trunk, line: 16, containing: "a trunk entry needs 'trunk'")
        assertDialplanError(trunk + "    trunk: nobody\n", line: 18, containing: "no trunk is named 'nobody' (defined: provider, backup, inonly)")
        assertDialplanError(trunk + "    trunk: inonly\n", line: 18, containing: "has no registrar")
        assertDialplanError(trunk + "    trunk: provider\n    strip: 33\n", line: 19, containing: "out of range 0...32")
        assertDialplanError(trunk + "    trunk: provider\n    prepend: \"00 49\"\n", line: 19, containing: "prepend '00 49' must be")
        assertDialplanError(trunk + "    trunk: provider\n" + trunk + "    trunk: backup\n", line: 19, containing: "prefix 0 is defined twice")
        assertDialplanError("  - prefix: \"0x\"\n    action: trunk\n    trunk: provider\n", line: 16, containing: "prefix '0x' must be")
        assertDialplanError("  - pattern: \"9[0-9\"\n    action: trunk\n    trunk: provider\n", line: 16, containing: "not a valid regular expression")
        assertDialplanError("  - pattern: \"1)|(2\"\n    action: trunk\n    trunk: provider\n", line: 16, containing: "not a valid regular expression")
        assertDialplanError("  - extension: \"112\"\n    prefix: \"1\"\n    action: trunk\n    trunk: provider\n", line: 17, containing: "not several")
        assertDialplanError("  - extension: \"112\"\n    action: trunk\n    trunk: provider\n    strip: 3\n", line: 19, containing: "strip removes every digit")
        assertDialplanError("  - prefix: \"5\"\n    action: echo\n", line: 16, containing: "apply only to actions trunk, reject, conference and park")
        assertDialplanError("  - pattern: \"5.*\"\n    action: user\n    target: \"1001\"\n", line: 16, containing: "apply only to actions trunk, reject, conference and park")
        assertDialplanError("  - extension: \"100\"\n    action: user\n", line: 16, containing: "no user has extension 100")
        assertDialplanError("  - extension: \"100\"\n    action: user\n    target: \"1003\"\n", line: 18, containing: "no user has extension 1003")
        assertDialplanError("  - extension: \"100\"\n    action: user\n    target: \"1001\"\n    ring_timeout_s: 0\n", line: 19, containing: "out of range 1...600")
        assertDialplanError("  - extension: \"100\"\n    action: user\n    target: \"1001\"\n    early_media_ms: 10\n", line: 19,
                          containing: "'early_media_ms' applies only to echo and playback")
        assertDialplanError("  - extension: \"100\"\n    action: echo\n    target: \"1001\"\n", line: 18, containing: "'target' applies only to user")
        assertDialplanError("  - extension: \"100\"\n    action: echo\n    strip: 1\n", line: 18, containing: "'strip' applies only to trunk")
        assertDialplanError("  - extension: \"100\"\n    action: echo\n    sound: x\n", line: 18, containing: "'sound' applies only to playback")
        assertDialplanError("  - extension: \"1001\"\n    action: echo\n", line: 16, containing: "extension 1001 is user 1001's own; only action user may reuse it")
        assertDialplanError("  - prefix: \"0\"\n", line: 16, containing: "this entry needs 'action'")
    }

    func testADialplanEntryMayNotHideADemoUser() {
        assertConfigError("demo_users: true\ndialplan:\n  - extension: \"1010\"\n    action: echo\n", line: 3,
                          containing: "demo user 1010's own; only action user may reuse it (pick another extension or set demo_users: false)")
    }

    func testInboundRoutes() throws {
        let c = try config("""
              - extension: "9196"
                action: echo
            """, inbound: """
              - pattern: "\\\\+4930[0-9]+"
                extension: "9196"
              - did: "+4930111"
                extension: "1001"
              - did: "+4930111"
                trunk: backup
                extension: "1002"
              - pattern: "[0-9]+"
                trunk: provider
                extension: "1002"
              - pattern: ".*"
                extension: "1001"
            """)
        XCTAssertEqual(c.inbound.count, 5)
        XCTAssertEqual(c.inbound[1].did, .exact("+4930111"))
        XCTAssertNil(c.inbound[1].trunk)
        XCTAssertEqual(c.inbound[2].trunk, "backup")
        XCTAssertEqual(c.inboundRoute(trunk: "backup", did: "+4930111"), "1002", "an exact DID for this trunk wins")
        XCTAssertEqual(c.inboundRoute(trunk: "provider", did: "+4930111"), "1001", "exact DIDs beat patterns")
        XCTAssertEqual(c.inboundRoute(trunk: "provider", did: "+4930222"), "9196", "patterns in file order")
        XCTAssertEqual(c.inboundRoute(trunk: "provider", did: "5550"), "1002")
        XCTAssertEqual(c.inboundRoute(trunk: "backup", did: "5550"), "1001", "a pattern for another trunk is skipped")
        XCTAssertEqual(c.route(for: try XCTUnwrap(c.inboundRoute(trunk: "inonly", did: "x"))),
                       .user(extension: "1001", ringTimeoutSeconds: 30))
    }

    func testNoInboundEntriesRouteNothing() throws {
        XCTAssertNil(try config("  - extension: \"9196\"\n    action: echo\n").inboundRoute(trunk: "provider", did: "123"))
    }

    func testInboundErrors() {
        let echo = "  - extension: \"9196\"\n    action: echo\n"
        // "inbound:" is line 18, so the first entry starts on 19.
        assertInboundError(echo, inbound: "  - did: \"123\"\n    trunk: nobody\n    extension: \"9196\"\n", line: 20,
                          containing: "no trunk is named 'nobody'")
        assertInboundError(echo, inbound: "  - did: \"123\"\n", line: 19, containing: "needs 'extension'")
        assertInboundError(echo, inbound: "  - did: \"123\"\n    extension: \"4444\"\n", line: 20,
                          containing: "extension 4444 is neither in the dialplan nor a user")
        assertInboundError(echo, inbound: "  - did: \"123\"\n    pattern: \"1.*\"\n    extension: \"9196\"\n", line: 20, containing: "not both")
        assertInboundError(echo, inbound: "  - extension: \"9196\"\n", line: 19, containing: "needs 'did'")
        assertInboundError(echo, inbound: "  - did: \"12 3\"\n    extension: \"9196\"\n", line: 19, containing: "must be digits")
        assertInboundError(echo, inbound: "  - pattern: \"(\"\n    extension: \"9196\"\n", line: 19, containing: "not a valid regular expression")
        assertInboundError(echo, inbound: "  - did: \"1\"\n    extension: \"9196\"\n  - did: \"1\"\n    extension: \"1001\"\n", line: 21,
                          containing: "DID 1 is mapped twice for any trunk")
        assertInboundError(echo, inbound: "  - did: \"1\"\n    extension: \"9196\"\n    colour: red\n", line: 21,
                          containing: "unknown key 'inbound[0].colour'")
        XCTAssertNoThrow(try config(echo, inbound: "  - did: \"1\"\n    extension: \"9196\"\n  - did: \"1\"\n    trunk: provider\n    extension: \"1001\"\n"))
    }

    func testNumberPatternsMatchWholeNumbersOnly() throws {
        let pattern = try XCTUnwrap(NumberPattern("9[0-9]+|0"))
        XCTAssertTrue(pattern.matches("9123"))
        XCTAssertTrue(pattern.matches("0"))
        XCTAssertFalse(pattern.matches("x9123"))
        XCTAssertFalse(pattern.matches("9123x"))
        XCTAssertTrue(pattern.matches("90"))
        XCTAssertFalse(pattern.matches("00"))
        XCTAssertNil(NumberPattern("1)|(2"))
        XCTAssertEqual(NumberPattern("a+"), NumberPattern("a+"))
        XCTAssertNotEqual(NumberPattern("a+"), NumberPattern("a*"))
    }

    private func assertInboundError(_ dialplan: String, inbound: String, line: Int, containing fragment: String,
                                    file: StaticString = #filePath, lineNumber: UInt = #line) {
        assertConfigError(preamble + "dialplan:\n" + dialplan + "inbound:\n" + inbound, line: line, containing: fragment,
                          file: file, lineNumber: lineNumber)
    }

    private func assertDialplanError(_ dialplan: String, line: Int, containing fragment: String,
                                     file: StaticString = #filePath, lineNumber: UInt = #line) {
        assertConfigError(preamble + "dialplan:\n" + dialplan, line: line, containing: fragment, file: file, lineNumber: lineNumber)
    }
}

final class RejectRouteTests: XCTestCase {
    private func parse(_ text: String) throws -> ParleyConfiguration {
        try ParleyConfiguration.parse(text, file: "reject.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), checkFiles: false)
    }

    func testRejectRulesMatchExactPrefixAndPatternWithTheirCode() throws {
        let config = try parse("""
            dialplan:
              - prefix: "900"
                action: reject
              - extension: "666"
                action: reject
                code: 486
              - pattern: "^1[0-9]{3}99$"
                action: reject
                code: 603
            """)
        XCTAssertEqual(config.route(for: "9001234"), .reject(code: 403))
        XCTAssertEqual(config.route(for: "666"), .reject(code: 486))
        XCTAssertEqual(config.route(for: "123499"), .reject(code: 603))
        XCTAssertNil(config.route(for: "8001234"))
    }

    func testRejectCodesMustBeFinalErrorStatuses() {
        XCTAssertThrowsError(try parse("dialplan:\n  - extension: \"1\"\n    action: reject\n    code: 200\n")) {
            XCTAssertEqual(($0 as? ConfigError)?.line, 4, "\($0)")
        }
        XCTAssertThrowsError(try parse("dialplan:\n  - extension: \"1\"\n    action: echo\n    code: 403\n")) {
            XCTAssertTrue("\($0)".contains("'code' applies only to reject"), "\($0)")
        }
    }
}

final class ConferenceRouteTests: XCTestCase {
    private func parse(_ text: String) throws(ConfigError) -> ParleyConfiguration {
        try ParleyConfiguration.parse(text, file: "conf.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), checkFiles: false)
    }

    func testConferenceEntriesNameTheirRoomOrTakeTheDialledNumber() throws {
        let config = try parse("""
            dialplan:
              - extension: "3000"
                action: conference
                room: sales
                pin: "1234"
                moderator_pin: "9999"
                end_with_moderator: true
                max_members: 10
                record: true
                rate: 48000
                tones: false
              - prefix: "30"
                action: conference
            """)
        guard case .conference(let room, let settings) = config.route(for: "3000") else { return XCTFail("\(String(describing: config.route(for: "3000")))") }
        XCTAssertEqual(room, "sales")
        XCTAssertEqual(settings.pin, "1234")
        XCTAssertEqual(settings.moderatorPIN, "9999")
        XCTAssertTrue(settings.endWithModerator)
        XCTAssertEqual(settings.maxMembers, 10)
        XCTAssertTrue(settings.record)
        XCTAssertEqual(settings.sampleRate, 48000)
        XCTAssertFalse(settings.tones)
        guard case .conference(let other, let defaults) = config.route(for: "3042") else { return XCTFail("3042 is no conference") }
        XCTAssertEqual(other, "3042", "a prefix entry makes one room per dialled number")
        XCTAssertNil(defaults.pin)
        XCTAssertEqual(defaults.maxMembers, 50)
        XCTAssertEqual(defaults.sampleRate, 16000)
    }

    func testBadConferenceSettingsAreRefusedWithTheirLine() {
        let cases: [(String, Int, String)] = [
            ("  - extension: \"3000\"\n    action: conference\n    rate: 22050\n", 6, "rate must be 8000, 16000 or 48000"),
            ("  - extension: \"3000\"\n    action: conference\n    pin: \"12a4\"\n", 6, "pin must be 1 to 16 digits"),
            ("  - extension: \"3000\"\n    action: conference\n    pin: \"1\"\n    moderator_pin: \"1\"\n", 7, "moderator_pin must differ"),
            ("  - extension: \"3000\"\n    action: conference\n    end_with_moderator: true\n", 6, "needs a moderator_pin"),
            ("  - extension: \"3000\"\n    action: conference\n    max_members: 1\n", 6, "max_members"),
            ("  - extension: \"3000\"\n    action: echo\n    pin: \"1\"\n", 6, "'pin' applies only to conference"),
            ("  - extension: \"3000\"\n    action: conference\n    room: \"a b\"\n", 6, "room 'a b'"),
        ]
        for (dialplan, line, fragment) in cases {
            do {
                _ = try parse("# conferences\n\ndialplan:\n" + dialplan)
                XCTFail("accepted: \(dialplan)")
            } catch {
                XCTAssertEqual(error.line, line, "\(error) for \(dialplan)")
                XCTAssertTrue(error.description.contains(fragment), "\(error) lacks '\(fragment)'")
            }
        }
    }
}

extension RoutesConfigTests {
    func testAgentEntriesNameTheirAgentAndTheAgentsFolderResolves() throws {
        let c = try ConfigFixture.parse("""
            agents:
              directory: ../my-agents
            dialplan:
              - extension: "9000"
                action: agent
                agent: receptionist
            """)
        XCTAssertEqual(c.route(for: "9000"), .agent(name: "receptionist"))
        XCTAssertNil(c.route(for: "9001"))
        XCTAssertEqual(c.agentsDirectory.path, "/tmp/parley-config-tests/my-agents")
        XCTAssertTrue(c.dialplan.isEmpty, "agents are not echo/playback extensions")
        let plain = try ConfigFixture.parse("log:\n  level: info\n")
        XCTAssertEqual(plain.agentsDirectory.path, "/tmp/parley-config-tests/conf/agents", "default: agents/ beside the file")
    }

    func testAgentEntryErrors() {
        assertConfigError("dialplan:\n  - extension: \"9000\"\n    action: agent\n", line: 2, containing: "needs 'agent'")
        assertConfigError("dialplan:\n  - extension: \"9000\"\n    action: agent\n    agent: \"bad name\"\n", line: 4,
                          containing: "must be up to 64 letters")
        assertConfigError("dialplan:\n  - prefix: \"90\"\n    action: agent\n    agent: receptionist\n", line: 2,
                          containing: "needs an exact 'extension'")
        assertConfigError("dialplan:\n  - extension: \"9000\"\n    action: echo\n    agent: receptionist\n", line: 4,
                          containing: "'agent' applies only to agent")
        assertConfigError("agents:\n  folder: x\n", line: 2, containing: "folder")
    }
}

/// `action: park`: each number an entry matches is a parking slot.
final class ParkRouteTests: XCTestCase {
    private func parse(_ text: String) throws -> ParleyConfiguration {
        try ParleyConfiguration.parse(text, file: "park.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), checkFiles: false)
    }

    func testAParkPrefixMakesARangeOfSlotsWithTheirTimeout() throws {
        let config = try parse("""
            dialplan:
              - prefix: "700"
                action: park
                timeout_s: 45
              - extension: "7100"
                action: park
            """)
        XCTAssertEqual(config.route(for: "7003"), .park(slot: "7003", timeoutSeconds: 45))
        XCTAssertEqual(config.route(for: "7009"), .park(slot: "7009", timeoutSeconds: 45))
        XCTAssertEqual(config.route(for: "7100"), .park(slot: "7100", timeoutSeconds: 60))
        XCTAssertNil(config.route(for: "7101"))
    }

    func testParkTimeoutsAreBoundedAndBelongToParkOnly() {
        XCTAssertThrowsError(try parse("dialplan:\n  - extension: \"7000\"\n    action: park\n    timeout_s: 2\n")) {
            XCTAssertEqual(($0 as? ConfigError)?.line, 4, "\($0)")
        }
        XCTAssertThrowsError(try parse("dialplan:\n  - extension: \"7000\"\n    action: echo\n    timeout_s: 30\n")) {
            XCTAssertTrue("\($0)".contains("'timeout_s' applies only to park"), "\($0)")
        }
    }
}
