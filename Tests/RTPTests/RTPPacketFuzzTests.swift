import RTP
import XCTest

/// Seeded random inputs and mutations of the fixtures. Nothing may trap; whatever parses must
/// serialize to the same bytes (padding filler aside) and re-parse to an equal value.
final class RTPPacketFuzzTests: XCTestCase {
    private static let iterations = 50_000

    func testRandomBytesAndMutationsNeverTrapAndRoundTrip() throws {
        var random = SeededGenerator(seed: 0x5EED_0F_0A7)
        let seeds = RTPPacketFixtureTests.fixtures.map(\.bytes)
        var parsed = 0
        var kinds: [String: Int] = [:]

        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 4 == 0 {
                input = Self.randomBytes(using: &random)
            } else {
                input = Self.mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)], using: &random)
            }
            do {
                let packet = try RTPPacket(parsing: input)
                parsed += 1
                Self.checkRoundTrip(of: packet, from: input)
            } catch {
                kinds[String(describing: error.kind), default: 0] += 1
            }
        }

        // The generator must exercise both sides and every failure mode, or the test proves nothing.
        XCTAssertGreaterThan(parsed, Self.iterations / 10, "too few inputs parsed: \(parsed)")
        for kind in ["tooShort", "badVersion", "badCSRCCount", "badExtension", "badPadding"] {
            XCTAssertGreaterThan(kinds[kind, default: 0], 50, "fuzzing rarely hit \(kind): \(kinds)")
        }
    }

    private static func checkRoundTrip(of packet: RTPPacket, from input: [UInt8]) {
        let output = packet.serialized()
        XCTAssertEqual(output.count, input.count, "\(packet)")
        XCTAssertEqual(packet.serializedSize, input.count)
        // Everything but the padding filler (zeroed on output) is reproduced exactly.
        let fillerStart = input.count - Int(packet.paddingLength)
        let fillerEnd = max(fillerStart, input.count - 1)
        XCTAssertEqual(Array(output[..<fillerStart]), Array(input[..<fillerStart]), "\(packet)")
        XCTAssertEqual(Array(output[fillerEnd...]), Array(input[fillerEnd...]), "\(packet)")
        XCTAssertEqual(try RTPPacket(parsing: output), packet)
    }

    private static func randomBytes(using random: inout SeededGenerator) -> [UInt8] {
        let count = Int.random(in: 0...80, using: &random)
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        // Keep the version right half the time so the deeper checks get exercised.
        if !bytes.isEmpty, Bool.random(using: &random) {
            bytes[0] = bytes[0] & 0x3F | 0x80
        }
        return bytes
    }

    private static func mutate(_ seed: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:  // flip one bit
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
            case 1 where !bytes.isEmpty:  // overwrite one byte
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 2:  // truncate
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &random))
            case 3:  // extend
                bytes += (0..<Int.random(in: 1...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 4 where !bytes.isEmpty:  // rewrite the flags and CSRC count
                bytes[0] = 0x80 | UInt8.random(in: 0...0x3F, using: &random)
            case 5 where bytes.count > 15:  // rewrite an extension length or CSRC
                bytes[14 + Int.random(in: 0...1, using: &random)] = UInt8.random(in: 0...255, using: &random)
            default:
                break
            }
        }
        return bytes
    }
}
