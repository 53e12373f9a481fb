import Foundation
import ParleyConfig
import XCTest

final class TrunksConfigTests: XCTestCase {
    typealias Trunk = ParleyConfiguration.Trunk

    func testEveryTrunkKeyIsRead() throws {
        let config = try ConfigFixture.parse("""
            trunks:
              - name: provider
                registrar: sip:sip.provider.example:5080
                secondary_registrar: "[2001:db8::7]"
                username: "4930123456"
                password: pw
                auth_username: u-77
                realm: provider.example
                expires: 600
                register: true
                ip_auth: [192.0.2.0/24, "2001:db8::/32"]
                did_source: header:P-Called-Party-ID
                caller_id: "+4930123456"
                codecs: [PCMA]
                srtp: "off"
                transport: tcp
                transfer: refer
                refer_timeout_s: 12
            """)
        let trunk = try XCTUnwrap(config.trunk(named: "provider"))
        XCTAssertEqual(trunk.registrar, Trunk.Server(host: "sip.provider.example", port: 5080))
        XCTAssertEqual(trunk.secondaryRegistrar, Trunk.Server(host: "2001:db8::7"))
        XCTAssertEqual(trunk.username, "4930123456")
        XCTAssertEqual(trunk.password, "pw")
        XCTAssertEqual(trunk.authUsername, "u-77")
        XCTAssertEqual(trunk.realm, "provider.example")
        XCTAssertEqual(trunk.expiresSeconds, 600)
        XCTAssertTrue(trunk.register)
        XCTAssertEqual(trunk.ipAuth.map(\.description), ["192.0.2.0/24", "2001:db8::/32"])
        XCTAssertEqual(trunk.didSource, .header("P-Called-Party-ID"))
        XCTAssertEqual(trunk.callerID, "+4930123456")
        XCTAssertEqual(trunk.codecs, ["PCMA"])
        XCTAssertEqual(trunk.srtp, .off)
        XCTAssertEqual(trunk.transport, .tcp)
        XCTAssertEqual(trunk.transfer, .refer)
        XCTAssertEqual(trunk.referTimeoutSeconds, 12)
        XCTAssertEqual(trunk.line, 2)
        XCTAssertTrue(trunk.canSendCalls)
        XCTAssertFalse("\(trunk)".contains("pw"), "\(trunk)")
        XCTAssertNil(config.trunk(named: "other"))
    }

    func testDefaults() throws {
        let config = try ConfigFixture.parse("trunks:\n  - name: t\n    registrar: gw.example\n    username: u\n    password: p\n")
        let trunk = try XCTUnwrap(config.trunks.first)
        XCTAssertEqual(trunk.registrar, Trunk.Server(host: "gw.example"))
        XCTAssertTrue(trunk.register, "a trunk with a registrar registers unless told not to")
        XCTAssertEqual(trunk.expiresSeconds, 3600)
        XCTAssertEqual(trunk.didSource, .requestURI)
        XCTAssertEqual(trunk.transport, .udp)
        XCTAssertEqual(trunk.transfer, .bridge, "REFER to a provider is opt-in")
        XCTAssertEqual(trunk.referTimeoutSeconds, 40, "the provider has 40 s to report a REFER's outcome")
        XCTAssertEqual(trunk.ipAuth, [])
        XCTAssertNil(trunk.codecs)
        XCTAssertNil(trunk.srtp)
        XCTAssertNil(trunk.callerID)
        XCTAssertNil(trunk.authUsername)
        let to = try ConfigFixture.parse("trunks:\n  - name: t\n    ip_auth: [192.0.2.1]\n    did_source: to\n")
        XCTAssertEqual(to.trunks.first?.didSource, .to)
    }

    func testIPAuthenticatedTrunkNeedsNoRegistrar() throws {
        let config = try ConfigFixture.parse("""
            trunks:
              - name: office
                ip_auth: [192.0.2.10, 198.51.100.0/24, "2001:db8:1::/48"]
            """)
        let trunk = try XCTUnwrap(config.trunk(named: "office"))
        XCTAssertFalse(trunk.register)
        XCTAssertNil(trunk.registrar)
        XCTAssertFalse(trunk.canSendCalls)
        XCTAssertTrue(trunk.acceptsSource("192.0.2.10"))
        XCTAssertFalse(trunk.acceptsSource("192.0.2.11"))
        XCTAssertTrue(trunk.acceptsSource("198.51.100.77"))
        XCTAssertTrue(trunk.acceptsSource("::ffff:198.51.100.1"))
        XCTAssertTrue(trunk.acceptsSource("2001:db8:1:ffff::9"))
        XCTAssertFalse(trunk.acceptsSource("2001:db8:2::9"))
        XCTAssertFalse(trunk.acceptsSource("not an address"))
    }

    func testRegistrarForms() throws {
        let cases: [(String, Trunk.Server, String)] = [
            ("sip:gw.example", Trunk.Server(host: "gw.example"), "sip:gw.example"),
            ("SIP:gw.example.:5070", Trunk.Server(host: "gw.example.", port: 5070), "sip:gw.example.:5070"),
            ("192.0.2.1:5060", Trunk.Server(host: "192.0.2.1", port: 5060), "sip:192.0.2.1:5060"),
            ("sip:[2001:db8::1]:5062", Trunk.Server(host: "2001:db8::1", port: 5062), "sip:[2001:db8::1]:5062"),
            ("localhost", Trunk.Server(host: "localhost"), "sip:localhost"),
        ]
        for (text, server, uri) in cases {
            let config = try ConfigFixture.parse("trunks:\n  - name: t\n    registrar: \"\(text)\"\n    register: false\n")
            XCTAssertEqual(config.trunks.first?.registrar, server, text)
            XCTAssertEqual(config.trunks.first?.registrar?.description, uri, text)
        }
    }

    func testBadRegistrarsAreRejected() {
        let cases: [(String, String)] = [
            ("sips:gw.example", "sips (TLS) is not supported"),
            ("sip:alice@gw.example", "names a user"),
            ("sip:gw.example;transport=tcp", "only sip:host[:port]"),
            ("gw.example:0", "port must be 1...65535"),
            ("gw.example:70000", "port must be 1...65535"),
            ("gw.example:http", "port must be 1...65535"),
            ("gw.example:", "port must be 1...65535"),
            ("[2001:db8::1", "missing ']'"),
            ("[192.0.2.1]:5060", "not an IPv6 address"),
            ("[2001:db8::1]5060", "expected ':PORT'"),
            ("2001:db8::1", "put an IPv6 address in brackets"),
            ("gw_1.example", "not a host name or IP address"),
            ("10.1.2", "not a host name or IP address"),
            ("-gw.example", "not a host name or IP address"),
            ("sip:", "not a host name or IP address"),
        ]
        for (text, fragment) in cases {
            assertConfigError("trunks:\n  - name: t\n    register: false\n    registrar: \"\(text)\"\n", line: 4, containing: fragment)
        }
    }

    func testTrunkErrors() {
        let head = "trunks:\n  - name: t\n"
        let reg = head + "    registrar: gw.example\n"
        assertConfigError("trunks:\n  - registrar: gw.example\n", line: 2, containing: "needs 'name'")
        assertConfigError("trunks:\n  - name: \"my trunk\"\n", line: 2, containing: "may hold only letters")
        assertConfigError(reg + "    register: false\n  - name: t\n    ip_auth: [192.0.2.1]\n", line: 5, containing: "trunk 't' is defined twice")
        assertConfigError(head + "    username: u\n", line: 2, containing: "needs 'registrar'")
        assertConfigError(head + "    ip_auth: [192.0.2.1]\n    register: true\n", line: 4, containing: "register: true needs a registrar")
        assertConfigError(reg + "    username: u\n", line: 2, containing: "needs 'username' and 'password' (or set register: false)")
        assertConfigError(reg + "    register: true\n    password: p\n    username: u\n    auth_username: a b\n", line: 7, containing: "may not contain spaces")
        assertConfigError(reg + "    register: false\n    password: p\n", line: 5, containing: "a password needs a 'username'")
        assertConfigError(reg + "    register: false\n    username: u\n    realm: r\n", line: 6, containing: "'realm' applies only with a 'password'")
        assertConfigError(reg + "    register: false\n    username: u\n    auth_username: a\n", line: 6, containing: "'auth_username' applies only")
        assertConfigError(reg + "    register: false\n    expires: 59\n", line: 5, containing: "out of range 60...86400")
        assertConfigError(reg + "    register: false\n    expires: 86401\n", line: 5, containing: "out of range 60...86400")
        assertConfigError(reg + "    register: maybe\n", line: 4, containing: "true or false")
        assertConfigError(head + "    ip_auth: []\n", line: 3, containing: "list at least one address")
        assertConfigError(head + "    ip_auth: 192.0.2.1\n", line: 3, containing: "expected a list")
        assertConfigError(head + "    ip_auth: [192.0.2.300]\n", line: 3, containing: "not an IPv4 or IPv6 address or network")
        assertConfigError(head + "    ip_auth: [192.0.2.1/24]\n", line: 3, containing: "did you mean 192.0.2.0/24")
        assertConfigError(head + "    ip_auth: [192.0.2.0/33]\n", line: 3, containing: "prefix length must be 0...32")
        assertConfigError(head + "    secondary_registrar: gw2.example\n", line: 3, containing: "secondary_registrar needs a registrar")
        assertConfigError(reg + "    register: false\n    secondary_registrar: sip:gw.example\n", line: 5, containing: "is the registrar itself")
        assertConfigError(reg + "    register: false\n    did_source: from\n", line: 5, containing: "not one of: request_uri, to, header:NAME")
        assertConfigError(reg + "    register: false\n    did_source: \"header:\"\n", line: 5, containing: "is not a header name")
        assertConfigError(reg + "    register: false\n    did_source: \"header:X Y\"\n", line: 5, containing: "is not a header name")
        assertConfigError(reg + "    register: false\n    caller_id: \"+49 30\"\n", line: 5, containing: "must be digits")
        assertConfigError(reg + "    register: false\n    caller_id: \"+\"\n", line: 5, containing: "must be digits")
        assertConfigError(reg + "    register: false\n    transport: sctp\n", line: 5, containing: "'sctp' is not one of: udp, tcp")
        assertConfigError(reg + "    register: false\n    transfer: blind\n", line: 5, containing: "'blind' is not one of: bridge, refer")
        assertConfigError(head + "    ip_auth: [192.0.2.1]\n    transfer: refer\n", line: 4, containing: "transfer: refer needs a registrar")
        let refer = reg + "    register: false\n    transfer: refer\n"
        assertConfigError(refer + "    refer_timeout_s: 0\n", line: 6, containing: "0 is out of range 1...300")
        assertConfigError(refer + "    refer_timeout_s: 301\n", line: 6, containing: "301 is out of range 1...300")
        assertConfigError(refer + "    refer_timeout_s: soon\n", line: 6, containing: "expected a whole number")
        assertConfigError(reg + "    register: false\n    refer_timeout_s: 5\n", line: 5,
                          containing: "refer_timeout_s applies only with transfer: refer")
        assertConfigError(reg + "    register: false\n    srtp: maybe\n", line: 5, containing: "is not one of: required, optional, off")
        assertConfigError(reg + "    register: false\n    codecs: [G729]\n", line: 5, containing: "unsupported codec")
        assertConfigError(reg + "    register: false\n    outbound_proxy: x\n", line: 5, containing: "unknown key 'trunks[0].outbound_proxy'")
        assertConfigError("trunks:\n  name: t\n", line: 2, containing: "expected a list")
    }
}
