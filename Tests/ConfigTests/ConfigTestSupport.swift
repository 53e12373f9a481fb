import Foundation
import ParleyConfig
import XCTest

/// Shared helpers for the configuration tests: parse text as `test.yaml` without touching the
/// disk, and check that a text fails at a given line with a given message.
enum ConfigFixture {
    static let base = URL(fileURLWithPath: "/tmp/parley-config-tests/conf")

    static func parse(_ text: String) throws(ConfigError) -> ParleyConfiguration {
        try ParleyConfiguration.parse(text, file: "test.yaml", baseDirectory: base, checkFiles: false)
    }

    /// The repository's `conf/parley.yaml`.
    static var defaultFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("conf/parley.yaml")
    }

    /// `text` with the `#| ` example markers removed, so the examples become configuration.
    static func uncommentingExamples(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let range = line.range(of: "#| "), line[..<range.lowerBound].allSatisfy({ $0 == " " }) else {
                return String(line)
            }
            return String(line[..<range.lowerBound] + line[range.upperBound...])
        }.joined(separator: "\n")
    }
}

extension XCTestCase {
    func assertConfigError(_ text: String, line: Int?, containing fragment: String,
                           file: StaticString = #filePath, lineNumber: UInt = #line) {
        do {
            _ = try ConfigFixture.parse(text)
            XCTFail("expected an error for:\n\(text)", file: file, line: lineNumber)
        } catch {
            XCTAssertEqual(error.line, line, "line of: \(error)", file: file, line: lineNumber)
            XCTAssertTrue(error.description.contains(fragment), "\(error) lacks '\(fragment)'", file: file, line: lineNumber)
            XCTAssertTrue(error.description.hasPrefix("test.yaml:"), "\(error)", file: file, line: lineNumber)
        }
    }
}
