import RTP
import XCTest

/// Seeded random inputs and mutations of the fixtures, 30,000 of them. Nothing may trap;
/// whatever parses must serialize to bytes that parse back to the same value, and unpadded
/// fixtures must survive mutation-free round trips byte for byte.
final class RTCPFuzzTests: XCTestCase {
    private static let iterations = 30_000

    func testRandomBytesAndMutationsNeverTrapAndRoundTrip() throws {
        var random = SeededGenerator(seed: 0x0472_C9F0)
        let seeds = RTCPFixtureTests.fixtures.map(\.bytes)
        var parsed = 0
        var kinds: [RTCPError.Kind: Int] = [:]

        for iteration in 0..<Self.iterations {
            let input = iteration % 5 == 0
                ? Self.randomPackets(using: &random)
                : Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)], using: &random)
            do {
                let packets = try RTCPPacket.packets(parsing: input)
                parsed += 1
                var output: [UInt8] = []
                for packet in packets { packet.serialize(into: &output) }
                XCTAssertEqual(output.count % 4, 0)
                XCTAssertEqual(try RTCPPacket.packets(parsing: output), packets, "re-parse of \(input)")
                // Output never grows beyond the input: nothing is invented, only padding and
                // ignored trailing bytes are dropped.
                XCTAssertLessThanOrEqual(output.count, input.count)
            } catch {
                kinds[error.kind, default: 0] += 1
            }
        }

        XCTAssertGreaterThan(parsed, Self.iterations / 10, "too few inputs parsed: \(parsed)")
        for kind: RTCPError.Kind in [.tooShort, .badVersion, .badLength, .badPadding, .badCount, .badItem, .badReason] {
            XCTAssertGreaterThan(kinds[kind, default: 0], 20, "fuzzing rarely hit \(kind): \(kinds)")
        }
    }

    /// Well-formed headers around random bodies, so the per-type parsers get exercised.
    private static func randomPackets(using random: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let words = Int.random(in: 0...8, using: &random)
            let first = UInt8(0x80) | UInt8.random(in: 0...3, using: &random)
            bytes += [first, UInt8.random(in: 199...206, using: &random), 0, UInt8(words)]
            bytes += (0..<(4 * words)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return bytes
    }

    private static func mutate(_ seed: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            case 1 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 2 where !bytes.isEmpty:
                bytes.removeLast(Int.random(in: 1...min(8, bytes.count), using: &random))
            case 3:
                bytes += (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default:
                // Corrupt a count or length field of the first packet, where the parsers are most fragile.
                if bytes.count >= 4 {
                    bytes[Int.random(in: 0...3, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
        }
        return bytes
    }

    func testFixturesRoundTripExactly() throws {
        for (name, bytes) in RTCPFixtureTests.fixtures {
            var output: [UInt8] = []
            for packet in try RTCPPacket.packets(parsing: bytes) { packet.serialize(into: &output) }
            XCTAssertEqual(output, bytes, name)
        }
    }
}
