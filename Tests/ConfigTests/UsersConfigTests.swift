import Foundation
import ParleyConfig
import XCTest

final class UsersConfigTests: XCTestCase {
    typealias User = ParleyConfiguration.User

    func testUsersAreRead() throws {
        let config = try ConfigFixture.parse("""
            users:
              - extension: "1001"
                password: "s3cret pass"
                caller_id_name: Reception Desk
                max_contacts: 5
                codecs: [pcma, g722]
                srtp: required
              - extension: 2002
                ha1: 0123456789ABCDEF0123456789abcdef
            """)
        XCTAssertEqual(config.users.count, 2)
        let first = try XCTUnwrap(config.user("1001"))
        XCTAssertEqual(first.secret, .password("s3cret pass"))
        XCTAssertEqual(first.callerIDName, "Reception Desk")
        XCTAssertEqual(first.maxContacts, 5)
        XCTAssertEqual(first.codecs, ["PCMA", "G722"], "codec names take the supported spelling")
        XCTAssertEqual(first.srtp, .required)
        XCTAssertFalse(first.isDemo)
        XCTAssertEqual(first.line, 2)
        let second = try XCTUnwrap(config.user("2002"))
        XCTAssertEqual(second.secret, .ha1("0123456789abcdef0123456789abcdef"))
        XCTAssertEqual(second.maxContacts, 3)
        XCTAssertNil(second.codecs)
        XCTAssertNil(second.srtp)
        XCTAssertNil(second.callerIDName)
        XCTAssertEqual(second.line, 8)
        XCTAssertNil(config.user("1002"))
        XCTAssertFalse(config.usesDemoPasswords)
    }

    func testDescriptionNeverShowsTheSecret() throws {
        let config = try ConfigFixture.parse("users:\n  - extension: \"1001\"\n    password: hunter2\n")
        let user = try XCTUnwrap(config.user("1001"))
        XCTAssertFalse("\(user)".contains("hunter2"), "\(user)")
        XCTAssertTrue("\(user)".contains("1001"), "\(user)")
    }

    func testRealmAndDomainDefaultToTheListenAddress() throws {
        let defaults = try ConfigFixture.parse("sip:\n  listen: ::1\n")
        XCTAssertEqual(defaults.sip.realm, "::1")
        XCTAssertEqual(defaults.sip.domain, "::1")
        let set = try ConfigFixture.parse("sip:\n  realm: Parley PBX\n  domain: pbx.example.org\n")
        XCTAssertEqual(set.sip.realm, "Parley PBX")
        XCTAssertEqual(set.sip.domain, "pbx.example.org")
        XCTAssertEqual(set.sip.listen, "127.0.0.1")
    }

    func testRealmAndDomainErrors() {
        assertConfigError("sip:\n  realm: 'a\"b'\n", line: 2, containing: "may not contain quotes")
        assertConfigError("sip:\n  domain: not a domain\n", line: 2, containing: "not a domain name or IP address")
        assertConfigError("sip:\n  domain: [a]\n", line: 2, containing: "expected a text value")
    }

    func testUserErrors() {
        let one = "users:\n  - extension: \"1001\"\n"
        assertConfigError("users:\n  - password: x\n", line: 2, containing: "needs 'extension'")
        assertConfigError("users:\n  - extension: 10a1\n    password: x\n", line: 2, containing: "must be 1 to 16 digits")
        assertConfigError(one + "    password: x\n  - extension: \"1001\"\n    password: y\n", line: 4, containing: "user 1001 is defined twice")
        assertConfigError(one + "    caller_id_name: Bob\n", line: 2, containing: "needs 'password' or 'ha1'")
        assertConfigError(one + "    password: x\n    ha1: 0123456789abcdef0123456789abcdef\n", line: 4, containing: "both 'password' and 'ha1'")
        assertConfigError(one + "    ha1: 0123456789abcdef0123456789abcde\n", line: 3, containing: "32 hex digits")
        assertConfigError(one + "    ha1: 0123456789abcdef0123456789abcdeg\n", line: 3, containing: "32 hex digits")
        assertConfigError(one + "    password: \"\"\n", line: 3, containing: "must not be empty")
        assertConfigError(one + "    password: [a, b]\n", line: 3, containing: "expected a text value")
        assertConfigError(one + "    password: x\n    max_contacts: 0\n", line: 4, containing: "out of range 1...20")
        assertConfigError(one + "    password: x\n    max_contacts: 21\n", line: 4, containing: "out of range 1...20")
        assertConfigError(one + "    password: x\n    max_contacts: three\n", line: 4, containing: "expected a whole number")
        assertConfigError(one + "    password: x\n    codecs: [G729]\n", line: 4, containing: "unsupported codec 'G729'")
        assertConfigError(one + "    password: x\n    codecs: [PCMU, pcmu]\n", line: 4, containing: "listed twice")
        assertConfigError(one + "    password: x\n    codecs: []\n", line: 4, containing: "at least one codec")
        assertConfigError(one + "    password: x\n    srtp: sometimes\n", line: 4, containing: "'sometimes' is not one of: required, optional, off")
        assertConfigError(one + "    password: x\n    caller_id_name: 'say \"hi\"'\n", line: 4, containing: "without \"")
        assertConfigError(one + "    password: x\n    voicemail: true\n", line: 4, containing: "unknown key 'users[0].voicemail'")
        assertConfigError("users:\n  extension: \"1001\"\n", line: 2, containing: "expected a list")
    }

    func testDemoUsersExpandToTwentyExtensions() throws {
        let config = try ConfigFixture.parse("demo_users: true\n")
        XCTAssertTrue(config.demoUsers)
        XCTAssertEqual(config.users.map(\.number), (1000...1019).map(String.init))
        for user in config.users {
            XCTAssertEqual(user.secret, .password("demo\(user.number)"))
            XCTAssertEqual(user.callerIDName, "Demo \(user.number)")
            XCTAssertTrue(user.isDemo)
            XCTAssertEqual(user.line, 1)
        }
        XCTAssertTrue(config.usesDemoPasswords)
        XCTAssertEqual(User.demoPassword(for: "1007"), "demo1007")
    }

    func testAnExplicitUserReplacesTheDemoUser() throws {
        let config = try ConfigFixture.parse("""
            demo_users: true
            users:
              - extension: "1005"
                password: mine
              - extension: "2000"
                password: other
            """)
        XCTAssertEqual(config.users.count, 21)
        XCTAssertEqual(config.users.filter { $0.number == "1005" }.count, 1)
        XCTAssertEqual(config.user("1005")?.secret, .password("mine"))
        XCTAssertEqual(config.user("1005")?.isDemo, false)
        XCTAssertEqual(config.user("1004")?.isDemo, true)
        XCTAssertEqual(config.user("2000")?.secret, .password("other"))
    }

    func testDemoUsersAreOffUnlessAskedFor() throws {
        XCTAssertEqual(try ConfigFixture.parse("log:\n  level: info\n").users, [])
        let off = try ConfigFixture.parse("demo_users: false\n")
        XCTAssertFalse(off.demoUsers)
        XCTAssertEqual(off.users, [])
        XCTAssertFalse(off.usesDemoPasswords)
        assertConfigError("demo_users: maybe\n", line: 1, containing: "true or false")
    }

    func testDemoPasswordsNeedLoopback() throws {
        assertConfigError("sip:\n  listen: 0.0.0.0\ndemo_users: true\n", line: 3,
                          containing: "sip.listen is 0.0.0.0, which is not a loopback address; set demo_users: false")
        assertConfigError("demo_users: true\nrtp:\n  address: 192.0.2.1\n", line: 1,
                          containing: "rtp.address is 192.0.2.1, which is not a loopback address")
        assertConfigError("sip:\n  listen: \"2001:db8::1\"\ndemo_users: yes\n", line: 3, containing: "not a loopback address")
        // An explicit user who picked the published password is just as exposed.
        assertConfigError("sip:\n  listen: 10.0.0.1\nrtp:\n  address: 10.0.0.1\nusers:\n  - extension: \"2001\"\n    password: demo2001\n",
                          line: 6, containing: "user 2001 has the published demo password demo2001")
        for listen in ["127.0.0.1", "127.0.0.2", "::1"] {
            let config = try ConfigFixture.parse("sip:\n  listen: \"\(listen)\"\nrtp:\n  address: \"\(listen)\"\ndemo_users: true\n")
            XCTAssertTrue(config.usesDemoPasswords, listen)
        }
    }

    func testReplacingEveryDemoUserAllowsANetworkAddress() throws {
        var text = "sip:\n  listen: 0.0.0.0\nrtp:\n  address: 192.0.2.5\ndemo_users: true\nusers:\n"
        for number in User.demoExtensions { text += "  - extension: \"\(number)\"\n    password: own-\(number)\n" }
        let config = try ConfigFixture.parse(text)
        XCTAssertEqual(config.users.count, 20)
        XCTAssertFalse(config.usesDemoPasswords)
        XCTAssertFalse(config.users.contains(where: \.isDemo))
    }
}
