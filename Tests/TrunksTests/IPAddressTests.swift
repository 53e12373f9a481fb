import Foundation
import XCTest

@testable import Trunks

/// IP address text: strict parsing, canonical printing (RFC 5952), and never trapping.
final class IPAddressTests: XCTestCase {
    func testIPv4ParsesToItsBits() throws {
        XCTAssertEqual(try IPAddress(parsing: "192.0.2.1"), .v4(0xC000_0201))
        XCTAssertEqual(try IPAddress(parsing: "0.0.0.0"), .v4(0))
        XCTAssertEqual(try IPAddress(parsing: "255.255.255.255"), .v4(.max))
        XCTAssertEqual(try IPAddress(parsing: "127.0.0.1").description, "127.0.0.1")
    }

    func testIPv6ParsesToItsBits() throws {
        // RFC 4291 §2.2 forms of the same address.
        let expected = IPAddress.v6(high: 0x2001_0DB8_0000_0000, low: 0x0008_0800_200C_417A)
        for text in ["2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a", "[2001:db8::8:800:200C:417a]",
                     "2001:0db8:0000:0000:0008:0800:200c:417a"] {
            XCTAssertEqual(try IPAddress(parsing: text), expected, text)
        }
        XCTAssertEqual(try IPAddress(parsing: "::"), .v6(high: 0, low: 0))
        XCTAssertEqual(try IPAddress(parsing: "::1"), .v6(high: 0, low: 1))
        XCTAssertEqual(try IPAddress(parsing: "1::"), .v6(high: 0x0001_0000_0000_0000, low: 0))
        XCTAssertEqual(try IPAddress(parsing: "::ffff:192.0.2.1"), .v6(high: 0, low: 0xFFFF_C000_0201))
        XCTAssertEqual(try IPAddress(parsing: "64:ff9b::192.0.2.33"), .v6(high: 0x0064_FF9B_0000_0000, low: 0xC000_0221))
    }

    func testIPv6PrintsCanonically() throws {
        // RFC 5952 §4: lowercase, no leading zeros, longest zero run compressed, first on a tie,
        // a single zero group left alone; §5: mapped IPv4 as a dotted quad.
        let cases = [
            ("2001:0DB8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("0:0:0:0:0:0:0:1", "::1"),
            ("fe80:0:0:0:0:0:0:0", "fe80::"),
            ("0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1"),
        ]
        for (input, canonical) in cases {
            let address = try IPAddress(parsing: input)
            XCTAssertEqual(address.description, canonical, input)
            XCTAssertEqual(try IPAddress(parsing: canonical), address, "round trip \(canonical)")
        }
    }

    func testMalformedTextIsRefusedWithAReason() {
        let bad: [(String, IPParseError.Reason)] = [
            ("", .empty),
            (String(repeating: "1", count: 65), .tooLong),
            ("192.0.2", .invalidIPv4("expected 4 parts, got 3")),
            ("192.0.2.1.5", .invalidIPv4("expected 4 parts, got 5")),
            ("192.0.2.256", .invalidIPv4("256 is above 255")),
            ("192.0.2.01", .invalidIPv4("'01' has a leading zero")),
            ("192.0.2.-1", .invalidIPv4("'-1' is not a decimal number")),
            ("192.0..1", .invalidIPv4("'' is not a decimal number")),
            ("1::2::3", .invalidIPv6("more than one '::'")),
            ("1:2:3:4:5:6:7", .invalidIPv6("expected 8 groups, got 7")),
            ("1:2:3:4:5:6:7::8", .invalidIPv6("'::' must stand for at least one group")),
            ("12345::", .invalidIPv6("'12345' is not a group of 1-4 hex digits")),
            ("g::1", .invalidIPv6("'g' is not a group of 1-4 hex digits")),
            ("1:2:3:4:5:6:7:8:", .invalidIPv6("too many groups")),
            ("1:2:3:4:5:6:7:", .invalidIPv6("'' is not a group of 1-4 hex digits")),
            ("::1.2.3.4:5", .invalidIPv6("an IPv4 part may only end the address")),
            ("fe80::1%eth0", .zoneNotSupported),
            ("[::1", .invalidIPv6("unbalanced brackets")),
            ("[192.0.2.1]", .invalidIPv6("brackets around IPv4")),
        ]
        for (text, reason) in bad {
            XCTAssertThrowsError(try IPAddress(parsing: text), text) { error in
                XCTAssertEqual((error as? IPParseError)?.reason, reason, text)
            }
        }
    }

    func testUnmappingTurnsMappedAddressesIntoIPv4() throws {
        XCTAssertEqual(try IPAddress(parsing: "::ffff:10.1.2.3").unmapped, try IPAddress(parsing: "10.1.2.3"))
        XCTAssertEqual(try IPAddress(parsing: "::1").unmapped, try IPAddress(parsing: "::1"))
        XCTAssertEqual(try IPAddress(parsing: "::10.1.2.3").unmapped.isIPv4, false, "IPv4-compatible is not mapped")
    }

    func testCodableUsesTheTextForm() throws {
        let addresses = [try IPAddress(parsing: "2001:db8::1"), try IPAddress(parsing: "198.51.100.7")]
        let json = try JSONEncoder().encode(addresses)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"["2001:db8::1","198.51.100.7"]"#)
        XCTAssertEqual(try JSONDecoder().decode([IPAddress].self, from: json), addresses)
        XCTAssertThrowsError(try JSONDecoder().decode([IPAddress].self, from: Data(#"["nope"]"#.utf8)))
    }

    func testRandomTextNeverTrapsAndParsedAddressesRoundTrip() {
        var random = SeededRandom(state: 2024)
        let alphabet = Array("0123456789abcdefABCDEF:.[]%/ -xg")
        var parsed = 0
        for _ in 0..<50_000 {
            let length = Int(random.next() % 48)
            let text = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            guard let address = try? IPAddress(parsing: text) else { continue }
            parsed += 1
            XCTAssertEqual(try? IPAddress(parsing: address.description), address, "round trip of \(text)")
        }
        // Random bit patterns always print as something that parses back to the same bits.
        for _ in 0..<5_000 {
            let v6 = IPAddress.v6(high: random.next() & Self.sparseMask(&random), low: random.next() & Self.sparseMask(&random))
            XCTAssertEqual(try? IPAddress(parsing: v6.description), v6, v6.description)
            let v4 = IPAddress.v4(UInt32(truncatingIfNeeded: random.next()))
            XCTAssertEqual(try? IPAddress(parsing: v4.description), v4, v4.description)
        }
        XCTAssertGreaterThan(parsed, 0, "the generator reaches valid addresses too")
    }

    /// A mask that zeroes random 16-bit groups, so zero runs of every length occur.
    private static func sparseMask(_ random: inout SeededRandom) -> UInt64 {
        var mask: UInt64 = 0
        for group in 0..<4 where random.next() % 2 == 0 { mask |= UInt64(0xFFFF) << UInt64(16 * group) }
        return mask
    }
}
