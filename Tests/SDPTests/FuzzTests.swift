import XCTest
import SDP

/// Seeded random inputs and mutations of the fixtures. The parser must never trap, and anything
/// it accepts must serialize to text that parses back to the same value and serializes to the
/// same text again.
final class FuzzTests: XCTestCase {
    /// SplitMix64: tiny, seedable, the same sequence on every platform.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let iterations = 20_000
    /// Bytes that matter to the grammar, so mutations hit interesting paths more often than
    /// uniformly random bytes would.
    private static let interesting: [UInt8] = Array(" \t\r\n=:/0123456789vosciubtrzkam-.".utf8) + [0, 0x7F, 0xC3, 0xFF]

    func testRandomMutationsNeverTrapAndAcceptedInputRoundTrips() {
        var random = SeededGenerator(state: 0x5EED_5D9)
        let seeds = Fixtures.all.map { Array($0.crlf.utf8) }
        var accepted = 0
        var rejected = 0
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 10 == 0 {
                input = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                var bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes = mutate(bytes, using: &random)
                }
                input = bytes
            }
            switch check(input, iteration: iteration) {
            case true: accepted += 1
            case false: rejected += 1
            }
        }
        // The mutations must exercise both paths, or the test proves little.
        XCTAssertGreaterThan(accepted, Self.iterations / 10, "accepted \(accepted), rejected \(rejected)")
        XCTAssertGreaterThan(rejected, Self.iterations / 10, "accepted \(accepted), rejected \(rejected)")
    }

    /// Parses `input`; when it is accepted, checks the round trip and touches every typed view.
    /// Returns whether it was accepted.
    private func check(_ input: [UInt8], iteration: Int) -> Bool {
        let first: SessionDescription
        do {
            first = try SessionDescription(parsing: input)
        } catch {
            XCTAssertGreaterThanOrEqual(error.line, 0)
            XCTAssertFalse(error.reason.isEmpty)
            return false
        }
        let text = first.serialized()
        do {
            let second = try SessionDescription(parsing: text)
            XCTAssertEqual(second, first, "iteration \(iteration): reparse differs")
            XCTAssertEqual(second.serialized(), text, "iteration \(iteration): serialization not stable")
        } catch {
            XCTFail("iteration \(iteration): own output rejected: \(error)\n\(text)")
        }
        for media in first.media {
            for payloadType in media.payloadTypes {
                _ = media.rtpMap(for: payloadType)
                _ = media.fmtp(for: payloadType)
            }
            _ = (media.direction, media.ptime, media.maxptime, media.rtcp, media.rtcpMux, media.crypto)
            _ = first.connection(for: media)?.isHoldAddress
        }
        return true
    }

    private func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [Self.interesting.randomElement(using: &random) ?? 0] }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0: // flip one bit
            bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
        case 1: // replace with a grammar byte
            bytes[position] = Self.interesting.randomElement(using: &random) ?? 0
        case 2: // insert a grammar byte
            bytes.insert(Self.interesting.randomElement(using: &random) ?? 0, at: position)
        case 3: // truncate
            bytes.removeSubrange(position...)
        case 4: // insert a run of digits (overflow hunting)
            bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "9"), count: Int.random(in: 1...30, using: &random)), at: position)
        default: // line surgery: delete, duplicate or swap
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            let index = Int.random(in: 0..<lines.count, using: &random)
            let other = Int.random(in: 0..<lines.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: other)
            default: lines.swapAt(index, other)
            }
            bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        }
        return bytes
    }
}
