import Foundation
import ParleyConfig
import XCTest

final class IPNetworkTests: XCTestCase {
    func testParsingAndCanonicalForm() throws {
        let cases: [(String, [UInt8], Int, String)] = [
            ("192.0.2.0/24", [192, 0, 2, 0], 24, "192.0.2.0/24"),
            ("192.0.2.7", [192, 0, 2, 7], 32, "192.0.2.7/32"),
            ("0.0.0.0/0", [0, 0, 0, 0], 0, "0.0.0.0/0"),
            ("2001:DB8:0:0::/32", [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12), 32, "2001:db8::/32"),
            ("::1", [UInt8](repeating: 0, count: 15) + [1], 128, "::1/128"),
            ("10.128.0.0/9", [10, 128, 0, 0], 9, "10.128.0.0/9"),
        ]
        for (text, bytes, length, canonical) in cases {
            let network = try IPNetwork(parsing: text)
            XCTAssertEqual(network.addressBytes, bytes, text)
            XCTAssertEqual(network.prefixLength, length, text)
            XCTAssertEqual(network.description, canonical, text)
            XCTAssertEqual(try IPNetwork(parsing: canonical), network, "canonical form of \(text) parses back")
        }
    }

    func testParseErrors() {
        XCTAssertThrowsError(try IPNetwork(parsing: "192.0.2.0/33")) { XCTAssertEqual($0 as? IPNetwork.ParseError, .badPrefixLength("192.0.2.0/33", maximum: 32)) }
        XCTAssertThrowsError(try IPNetwork(parsing: "::/129")) { XCTAssertEqual($0 as? IPNetwork.ParseError, .badPrefixLength("::/129", maximum: 128)) }
        XCTAssertThrowsError(try IPNetwork(parsing: "10.0.0.0/")) { XCTAssertEqual($0 as? IPNetwork.ParseError, .badPrefixLength("10.0.0.0/", maximum: 32)) }
        XCTAssertThrowsError(try IPNetwork(parsing: "10.0.0.0/+8")) { XCTAssertEqual($0 as? IPNetwork.ParseError, .badPrefixLength("10.0.0.0/+8", maximum: 32)) }
        XCTAssertThrowsError(try IPNetwork(parsing: "10.0.0.0/8/8")) { XCTAssertEqual($0 as? IPNetwork.ParseError, .badPrefixLength("10.0.0.0/8/8", maximum: 32)) }
        XCTAssertThrowsError(try IPNetwork(parsing: "10.1.0.0/15")) {
            XCTAssertEqual($0 as? IPNetwork.ParseError, .hostBitsSet("10.1.0.0/15", network: "10.0.0.0/15"))
        }
        XCTAssertThrowsError(try IPNetwork(parsing: "2001:db8::1/64")) {
            XCTAssertEqual($0 as? IPNetwork.ParseError, .hostBitsSet("2001:db8::1/64", network: "2001:db8::/64"))
        }
        for text in ["", "/8", "example.org", "10.0.0", "256.0.0.0", "fe80::1%eth0", " 10.0.0.1"] {
            XCTAssertThrowsError(try IPNetwork(parsing: text), text) { XCTAssertEqual($0 as? IPNetwork.ParseError, .notAnAddress(text)) }
        }
    }

    func testContainment() throws {
        let v4 = try IPNetwork(parsing: "172.16.0.0/12")
        XCTAssertTrue(v4.contains("172.16.0.0"))
        XCTAssertTrue(v4.contains("172.31.255.255"))
        XCTAssertFalse(v4.contains("172.32.0.0"))
        XCTAssertFalse(v4.contains("172.15.255.255"))
        XCTAssertTrue(v4.contains("::ffff:172.20.1.1"), "IPv4-mapped IPv6 matches an IPv4 network")
        XCTAssertFalse(v4.contains("2001:db8::1"))
        XCTAssertFalse(v4.contains("garbage"))
        let any4 = try IPNetwork(parsing: "0.0.0.0/0")
        XCTAssertTrue(any4.contains("203.0.113.9"))
        XCTAssertFalse(any4.contains("::1"), "an IPv4 network never holds an IPv6 address")
        let v6 = try IPNetwork(parsing: "2001:db8:abcc::/47")
        XCTAssertTrue(v6.contains("2001:db8:abcc::1"))
        XCTAssertTrue(v6.contains("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"))
        XCTAssertFalse(v6.contains("2001:db8:abcb:ffff::1"))
        XCTAssertFalse(v6.contains("2001:db8:abce::"))
        XCTAssertFalse(v6.contains("192.0.2.1"))
    }

    func testLoopback() {
        for address in ["127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"] {
            XCTAssertTrue(IPNetwork.isLoopback(address), address)
        }
        for address in ["0.0.0.0", "::", "128.0.0.1", "126.255.255.255", "::2", "192.0.2.1", "localhost", "fe80::1"] {
            XCTAssertFalse(IPNetwork.isLoopback(address), address)
        }
    }

    func testAddressCheck() {
        XCTAssertTrue(IPNetwork.isAddress("192.0.2.1"))
        XCTAssertTrue(IPNetwork.isAddress("2001:db8::1"))
        XCTAssertFalse(IPNetwork.isAddress("192.0.2.1/32"))
        XCTAssertFalse(IPNetwork.isAddress("gw.example"))
    }
}
