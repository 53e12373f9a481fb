import Foundation
import ParleyConfig
import XCTest

/// Mangles the full example configuration line by line: loading must never trap, and every
/// failure must be a ``ConfigError`` that points inside the file.
final class ConfigFuzzTests: XCTestCase {
    /// A fixed-seed generator (SplitMix64), so a failure repeats.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private let tokens = ["", "0", "-1", "99999999999999999999", "true", "[]", "{}", "[a, b]", "\"\"", "'", "::",
                          "10.0.0.0/8", "256.1.1.1", "sip:[::1", "sip:a@b", "header:", ".*", "(", "9", "\u{0}", "é", "~", "&a", "*a"]

    func testMangledConfigurationsFailCleanly() throws {
        let original = ConfigFixture.uncommentingExamples(try String(contentsOf: ConfigFixture.defaultFile, encoding: .utf8))
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var random = SplitMix(state: 4)
        var failures = 0
        for round in 0..<600 {
            var mangled = lines
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<mangled.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: mangled.remove(at: index)
                case 1: mangled.insert(mangled[index], at: index)
                case 2:
                    // Replace the value after the first ": ", keeping the key.
                    let line = mangled[index]
                    let token = tokens.randomElement(using: &random) ?? ""
                    if let colon = line.range(of: ": ") { mangled[index] = line[..<colon.upperBound] + token }
                default:
                    mangled[index] = String(mangled[index].shuffled(using: &random))
                }
                if mangled.isEmpty { mangled = [""] }
            }
            let text = mangled.joined(separator: "\n")
            do {
                _ = try ConfigFixture.parse(text)
            } catch {
                failures += 1
                if let line = error.line {
                    XCTAssertTrue((1...mangled.count + 1).contains(line), "round \(round): \(error) is outside the file")
                }
                XCTAssertTrue(error.description.hasPrefix("test.yaml"), "round \(round): \(error)")
            }
        }
        XCTAssertGreaterThan(failures, 100, "the mangling should break most files")
    }
}
