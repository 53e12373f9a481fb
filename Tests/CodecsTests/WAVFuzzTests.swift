import XCTest

@testable import Codecs

/// Seeded mutation fuzzing of `WAVFile(parsing:)`: it must never trap, and whatever it accepts must
/// satisfy the type's invariants and survive a serialize/parse round trip.
final class WAVFuzzTests: XCTestCase {
    /// SplitMix64: tiny, seedable, and identical on every platform, so a failure replays exactly.
    private struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let interestingSizes: [UInt32] = [0, 1, 2, 3, 15, 16, 17, 18, 39, 40, 0x7FFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF]

    /// Seeds: a plain PCM file, a G.711 file with extra chunks, and an extensible stereo file.
    private func seeds() -> [[UInt8]] {
        let pcm = WAVFile.pcm16(samples: (0..<40).map { Int16($0 * 811 - 16000) }, sampleRate: 8000).serialized()
        let mu = WAVFile(format: .muLaw, sampleRate: 8000, channels: 1, data: Array(0..<21)).serialized()
        var withChunks = Array(mu[0..<36])
        withChunks += Array("LIST".utf8) + [5, 0, 0, 0] + Array("INFO!".utf8) + [0]
        withChunks += Array("fact".utf8) + [4, 0, 0, 0, 21, 0, 0, 0]
        withChunks += Array(mu[36...])
        var extensible = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8) + [40, 0, 0, 0]
        extensible += [0xFE, 0xFF, 2, 0, 0x80, 0x3E, 0, 0, 0x00, 0xFA, 0, 0, 4, 0, 16, 0, 22, 0, 16, 0, 3, 0, 0, 0]
        extensible += [1, 0] + [UInt8](repeating: 0x11, count: 14)
        extensible += Array("data".utf8) + [16, 0, 0, 0] + (0..<16).map { UInt8($0) }
        return [pcm, withChunks, extensible]
    }

    private func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let steps = Int.random(in: 1...4, using: &rng)
        for _ in 0..<steps {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty:  // flip one bit
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1 where !bytes.isEmpty:  // overwrite one byte
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2:  // truncate
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng))
            case 3:  // insert random bytes
                let index = Int.random(in: 0...bytes.count, using: &rng)
                let extra = (0..<Int.random(in: 1...9, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                bytes.insert(contentsOf: extra, at: index)
            case 4 where bytes.count >= 4:  // plant an interesting 32-bit size anywhere
                let index = Int.random(in: 0...(bytes.count - 4), using: &rng)
                let size = Self.interestingSizes.randomElement(using: &rng) ?? 0
                for shift in 0..<4 { bytes[index + shift] = UInt8((size >> (8 * UInt32(shift))) & 0xFF) }
            case 5 where bytes.count > 8:  // remove a slice
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 1...12, using: &rng))
                bytes.removeSubrange(start..<end)
            default:  // duplicate a slice (repeated chunks)
                guard !bytes.isEmpty else { break }
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 1...24, using: &rng))
                bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &rng))
            }
        }
        return bytes
    }

    func testTwentyThousandMutationsNeverTrapAndKeepInvariants() throws {
        var rng = SplitMix64(state: 0x5041_524C_4559)  // "PARLEY"
        let corpus = seeds()
        for seed in corpus { XCTAssertNoThrow(try WAVFile(parsing: seed), "seeds must be valid") }
        var accepted = 0
        var rejected = [String: Int]()
        for iteration in 0..<20_000 {
            let input = mutate(corpus[iteration % corpus.count], using: &rng)
            do throws(WAVError) {
                let wav = try WAVFile(parsing: input)
                accepted += 1
                XCTAssertLessThanOrEqual(wav.data.count, input.count, "iteration \(iteration)")
                XCTAssertEqual(wav.data.count % wav.blockAlign, 0, "whole frames, iteration \(iteration)")
                XCTAssert((1...WAVFile.maximumChannels).contains(wav.channels), "iteration \(iteration)")
                XCTAssert((1...WAVFile.maximumSampleRate).contains(wav.sampleRate), "iteration \(iteration)")
                let again = try WAVFile(parsing: wav.serialized())
                XCTAssertEqual(again, wav, "round trip of accepted input, iteration \(iteration)")
            } catch {
                rejected[Mirror(reflecting: error).children.first?.label ?? "\(error)", default: 0] += 1
            }
        }
        // The mutations must exercise both outcomes, or this test proves nothing.
        XCTAssertGreaterThan(accepted, 1_000, "accepted \(accepted), rejected \(rejected)")
        XCTAssertGreaterThan(rejected.values.reduce(0, +), 1_000, "rejected \(rejected)")
        XCTAssertGreaterThanOrEqual(rejected.count, 4, "several error kinds reached: \(rejected)")
    }

    func testRandomBytesAfterValidPreambleNeverTrap() {
        var rng = SplitMix64(state: 42)
        var parsedCount = 0
        for _ in 0..<2_000 {
            let tail = (0..<Int.random(in: 0...96, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let bytes = Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVE".utf8) + tail
            if (try? WAVFile(parsing: bytes)) != nil { parsedCount += 1 }
        }
        // Random tails almost never spell both "fmt " and "data": nearly everything is rejected.
        XCTAssertLessThan(parsedCount, 20)
    }
}
