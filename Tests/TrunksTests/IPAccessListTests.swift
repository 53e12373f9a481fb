import Foundation
import XCTest

@testable import Trunks

/// CIDR networks and access lists: prefix matching for IPv4 and IPv6, mapped addresses,
/// longest-prefix choice, and entry errors with their position.
final class IPAccessListTests: XCTestCase {
    private func address(_ text: String) throws -> IPAddress { try IPAddress(parsing: text) }

    func testIPv4NetworkContainsExactlyItsRange() throws {
        let network = try TrunkIPNetwork(parsing: "198.51.100.0/22")
        XCTAssertEqual(network.description, "198.51.100.0/22")
        for inside in ["198.51.100.0", "198.51.101.7", "198.51.103.255"] {
            XCTAssertTrue(network.contains(try address(inside)), inside)
        }
        for outside in ["198.51.99.255", "198.51.104.0", "10.0.0.1", "::1"] {
            XCTAssertFalse(network.contains(try address(outside)), outside)
        }
    }

    func testIPv6NetworkContainsExactlyItsRange() throws {
        let network = try TrunkIPNetwork(parsing: "2001:db8:abcd:12::/63")
        XCTAssertTrue(network.contains(try address("2001:db8:abcd:12::1")))
        XCTAssertTrue(network.contains(try address("2001:db8:abcd:13:ffff:ffff:ffff:ffff")))
        XCTAssertFalse(network.contains(try address("2001:db8:abcd:14::")))
        XCTAssertFalse(network.contains(try address("2001:db8:abcd:11:ffff:ffff:ffff:ffff")))
        XCTAssertFalse(network.contains(try address("192.0.2.1")))
        // A prefix reaching into the low half.
        let deep = try TrunkIPNetwork(parsing: "2001:db8::8000:0/97")
        XCTAssertTrue(deep.contains(try address("2001:db8::ffff:ffff")))
        XCTAssertFalse(deep.contains(try address("2001:db8::7fff:ffff")))
    }

    func testHostBitsAreClearedAndHostsHaveFullPrefix() throws {
        XCTAssertEqual(try TrunkIPNetwork(parsing: "192.0.2.77/24").description, "192.0.2.0/24")
        XCTAssertEqual(try TrunkIPNetwork(parsing: "2001:db8::1/32").description, "2001:db8::/32")
        let host = try TrunkIPNetwork(parsing: "203.0.113.9")
        XCTAssertTrue(host.isHost)
        XCTAssertEqual(host.prefixLength, 32)
        XCTAssertTrue(host.contains(try address("203.0.113.9")))
        XCTAssertFalse(host.contains(try address("203.0.113.8")))
        XCTAssertEqual(try TrunkIPNetwork(parsing: "::1").prefixLength, 128)
    }

    func testZeroPrefixMatchesItsWholeFamily() throws {
        let anyV4 = try TrunkIPNetwork(parsing: "0.0.0.0/0")
        XCTAssertTrue(anyV4.contains(try address("8.8.8.8")))
        XCTAssertFalse(anyV4.contains(try address("2001:db8::1")))
        let anyV6 = try TrunkIPNetwork(parsing: "::/0")
        XCTAssertTrue(anyV6.contains(try address("2001:db8::1")))
        XCTAssertFalse(anyV6.contains(try address("8.8.8.8")))
    }

    func testMappedAddressesMatchIPv4EntriesBothWays() throws {
        let list = try IPAccessList(parsing: ["192.0.2.0/24", "::ffff:198.51.100.0/120"])
        XCTAssertTrue(list.contains(try address("::ffff:192.0.2.10")), "a dual-stack socket's view of an IPv4 peer")
        XCTAssertTrue(list.contains(try address("198.51.100.20")), "a mapped entry matches the plain IPv4 address")
        XCTAssertEqual(list.networks[1].description, "198.51.100.0/24")
        XCTAssertFalse(list.contains(try address("::ffff:203.0.113.1")))
    }

    func testBadPrefixLengthsAreRefused() {
        for text in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/0x8", "10.0.0.0/0008"] {
            XCTAssertThrowsError(try TrunkIPNetwork(parsing: text), text) { error in
                guard case .invalidPrefixLength? = (error as? IPParseError)?.reason else {
                    return XCTFail("\(text): \(error)")
                }
                XCTAssertEqual((error as? IPParseError)?.input, text)
            }
        }
        XCTAssertThrowsError(try TrunkIPNetwork(parsing: "10.0.0/8"))
    }

    func testListMatchesAnyEntryAndIgnoresNonAddresses() throws {
        let list = try IPAccessList(parsing: [" 10.0.0.0/8", "2001:db8::/32 ", "203.0.113.5"])
        XCTAssertEqual(list.networks.count, 3)
        XCTAssertTrue(list.contains("10.200.3.4"))
        XCTAssertTrue(list.contains("2001:db8:1::99"))
        XCTAssertTrue(list.contains("203.0.113.5"))
        XCTAssertFalse(list.contains("203.0.113.6"))
        XCTAssertFalse(list.contains("not an address"))
        XCTAssertFalse(list.contains(""))
        XCTAssertFalse(IPAccessList().contains("10.0.0.1"), "an empty list matches nothing")
        XCTAssertEqual(IPAccessList().description, "(empty)")
        XCTAssertEqual(list.description, "10.0.0.0/8, 2001:db8::/32, 203.0.113.5/32")
    }

    func testBestMatchIsTheLongestPrefix() throws {
        var list = try IPAccessList(parsing: ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.0.0/16"])
        XCTAssertEqual(list.bestMatch(for: try address("10.1.2.3"))?.description, "10.1.2.0/24")
        XCTAssertEqual(list.bestMatch(for: try address("10.1.9.9"))?.description, "10.1.0.0/16")
        XCTAssertEqual(list.bestMatch(for: try address("10.9.9.9"))?.description, "10.0.0.0/8")
        XCTAssertNil(list.bestMatch(for: try address("11.0.0.1")))
        list.append(try TrunkIPNetwork(parsing: "10.1.2.3"))
        XCTAssertEqual(list.bestMatch(for: try address("10.1.2.3"))?.description, "10.1.2.3/32")
    }

    func testEntryErrorNamesItsPosition() {
        XCTAssertThrowsError(try IPAccessList(parsing: ["10.0.0.0/8", "10.0.0.300"])) { error in
            guard let listError = error as? IPAccessListError else { return XCTFail("\(error)") }
            XCTAssertEqual(listError.index, 1)
            XCTAssertEqual(listError.entry, "10.0.0.300")
            XCTAssertTrue(listError.description.contains("entry 2"), listError.description)
        }
    }

    func testMatchingAgreesWithABitByBitReference() throws {
        var random = SeededRandom(state: 99)
        for _ in 0..<5_000 {
            let base = UInt32(truncatingIfNeeded: random.next())
            let length = Int(random.next() % 33)
            let candidate = random.next() % 2 == 0 ? base ^ UInt32(truncatingIfNeeded: random.next() % 256) : UInt32(truncatingIfNeeded: random.next())
            let network = try TrunkIPNetwork(address: .v4(base), prefixLength: length)
            var expected = true
            for bit in 0..<length where (base >> UInt32(31 - bit)) & 1 != (candidate >> UInt32(31 - bit)) & 1 {
                expected = false
            }
            XCTAssertEqual(network.contains(.v4(candidate)), expected, "\(network) vs \(IPAddress.v4(candidate))")
        }
    }
}
