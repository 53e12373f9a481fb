import XCTest
@testable import Registrar

final class ContactListTests: XCTestCase {
    func testNameAddrWithParameters() throws {
        let list = try ContactList.parse([
            "\"Desk, 1\" <sip:1001@192.0.2.10:5062;transport=tcp;ob>;expires=120;q=0.5;"
                + "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\";reg-id=1;Flag",
        ])
        guard case .contacts(let contacts) = list, let contact = contacts.first else { return XCTFail("\(list)") }
        XCTAssertEqual(contacts.count, 1)
        XCTAssertEqual(contact.displayName, "Desk, 1")
        XCTAssertEqual(contact.uri, "sip:1001@192.0.2.10:5062;transport=tcp;ob")
        XCTAssertEqual(contact.expires, 120)
        XCTAssertEqual(contact.parameter("Q")?.value, "0.5")
        XCTAssertEqual(contact.instanceID, "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF")
        XCTAssertEqual(contact.regID, 1)
        XCTAssertEqual(contact.parameter("flag"), ContactValue.Parameter(name: "flag", value: nil))
        // Round trip through the writer.
        XCTAssertEqual(try ContactList.parse([contact.headerValue]), list)
    }

    func testListsAddrSpecAndSeveralHeaders() throws {
        let list = try ContactList.parse([
            "<sip:a@host1>, Bob <sip:b@host2>;expires=0",
            "sip:c@host3;expires=60 , sip:d@[2001:db8::1]:5060",
        ])
        guard case .contacts(let contacts) = list else { return XCTFail("\(list)") }
        XCTAssertEqual(contacts.map(\.uri), ["sip:a@host1", "sip:b@host2", "sip:c@host3", "sip:d@[2001:db8::1]:5060"])
        XCTAssertEqual(contacts[1].displayName, "Bob")
        XCTAssertEqual(contacts.map(\.expires), [nil, 0, 60, nil])
        // In addr-spec form the ;expires belongs to the header, not the URI.
        XCTAssertEqual(contacts[2].parameters, [ContactValue.Parameter(name: "expires", value: "60")])
    }

    func testWildcardAndEmpty() throws {
        XCTAssertEqual(try ContactList.parse([" * "]), .wildcard)
        XCTAssertEqual(try ContactList.parse([]), .contacts([]))
        assertThrows(ContactError.wildcardNotAlone) { _ = try ContactList.parse(["*, <sip:a@b>"]) }
        assertThrows(ContactError.wildcardNotAlone) { _ = try ContactList.parse(["*", "<sip:a@b>"]) }
    }

    func testMalformed() {
        let cases: [(String, ContactError)] = [
            ("\"Desk <sip:a@b>", .unterminatedQuote),
            ("<sip:a@b", .unterminatedAngleBracket),
            ("<>", .emptyURI),
            ("<sip:a@b>;=1", .invalidParameter("=1")),
            ("<sip:a@b>;expires=\"3", .unterminatedQuote),
            ("<sip:a@b> junk", .unexpectedText("junk")),
            ("Bob sip:a@b", .unexpectedText("Bob sip:a@b")),
            ("\"Bob\" sip:a@b", .unexpectedText("sip:a@b")),
            ("<sip:a@b>;q=", .invalidParameter("q")),
            ("sip:a@b>", .invalidURI("sip:a@b>")),
            ("<sip:a b@c>", .invalidURI("sip:a b@c")),
        ]
        for (value, expected) in cases {
            assertThrows(expected) { _ = try ContactList.parse([value]) }
        }
        assertThrows(ContactError.tooLong(bytes: 20_000)) { _ = try ContactList.parse([String(repeating: "a", count: 20_000)]) }
    }

    func testDeltaSecondsAndQValues() {
        XCTAssertEqual(ContactValue.deltaSeconds("3600"), 3600)
        XCTAssertEqual(ContactValue.deltaSeconds(" 0 "), 0)
        XCTAssertEqual(ContactValue.deltaSeconds("99999999999999999999"), Int(UInt32.max))
        XCTAssertNil(ContactValue.deltaSeconds("-1"))
        XCTAssertNil(ContactValue.deltaSeconds("1h"))
        XCTAssertNil(ContactValue.deltaSeconds(""))
        XCTAssertEqual(QValue("1")?.thousandths, 1000)
        XCTAssertEqual(QValue("1.000")?.thousandths, 1000)
        XCTAssertEqual(QValue("0.5")?.thousandths, 500)
        XCTAssertEqual(QValue("0.125")?.thousandths, 125)
        XCTAssertEqual(QValue("0")?.thousandths, 0)
        for bad in ["1.1", "2", "0.1234", ".5", "0.x", "", "-0"] { XCTAssertNil(QValue(bad), bad) }
        XCTAssertEqual(QValue("0.50")?.description, "0.5")
        XCTAssertEqual(QValue("1")?.description, "1")
        XCTAssertEqual(QValue("0.007")?.description, "0.007")
    }

    func testSIPURIComparison() throws {
        let a = try SIPURI.parse("sip:1001@Example.COM:5060;transport=TCP;lr")
        let b = try SIPURI.parse("SIP:1001@example.com:5060;transport=tcp")
        XCTAssertEqual(a.comparisonKey, b.comparisonKey)
        XCTAssertNotEqual(try SIPURI.parse("sip:1001@example.com").comparisonKey, a.comparisonKey)
        XCTAssertNotEqual(try SIPURI.parse("sip:ALICE@example.com").comparisonKey,
                          try SIPURI.parse("sip:alice@example.com").comparisonKey)
        let v6 = try SIPURI.parse("sips:[2001:db8::1]:5061")
        XCTAssertEqual(v6.host, "[2001:db8::1]")
        XCTAssertEqual(v6.port, 5061)
        XCTAssertNil(v6.user)
        let cases: [(String, SIPURI.ParseError)] = [
            ("1001@example.com", .missingScheme("1001@example.com")),
            ("tel:+15551234", .unsupportedScheme("tel")),
            ("sip:1001@", .emptyHost("sip:1001@")),
            ("sip:host:99999", .invalidPort("sip:host:99999")),
            ("sip:host:", .invalidPort("sip:host:")),
            ("sip:a b@host", .invalidCharacter("sip:a b@host")),
            ("sip:[::1", .emptyHost("sip:[::1")),
        ]
        for (text, expected) in cases {
            assertThrows(expected) { _ = try SIPURI.parse(text) }
        }
    }
}
