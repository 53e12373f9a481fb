import Foundation
import Speech
import XCTest

/// One part of a `multipart/form-data` body, as a server reads it.
struct FormPart: Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A small independent multipart reader for checking what a client sent (RFC 7578 layout:
/// `--boundary CRLF headers CRLF CRLF body CRLF`, closed by `--boundary--`).
enum FormReader {
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: ["\""]) }
        }
        return nil
    }

    static func parts(_ body: [UInt8], contentType: String?) throws -> [FormPart] {
        let boundary = try XCTUnwrap(self.boundary(of: contentType), "no boundary in \(contentType ?? "nil")")
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        XCTAssertGreaterThanOrEqual(starts.count, 2, "at least one part and the closing delimiter")
        var parts: [FormPart] = []
        for (start, next) in zip(starts, starts.dropFirst()) {
            let partStart = start + delimiter.count + 2  // CRLF after the delimiter
            let partEnd = next - 2  // CRLF before the next delimiter
            guard partStart <= partEnd else { continue }
            let part = Array(body[partStart..<partEnd])
            let separator = try XCTUnwrap(find(Array("\r\n\r\n".utf8), in: part, from: 0), "part without header end")
            let headerLines = String(decoding: part[..<separator], as: UTF8.self).components(separatedBy: "\r\n")
            var name = "", filename: String?, type: String?
            for line in headerLines {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = value(of: "name", in: line) ?? ""
                    filename = value(of: "filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    type = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(FormPart(name: name, filename: filename, contentType: type,
                                  body: Array(part[(separator + 4)...])))
        }
        let closing = body[starts[starts.count - 1]...]
        XCTAssertTrue(closing.starts(with: delimiter + Array("--".utf8)), "the body ends with the closing delimiter")
        return parts
    }

    private static func value(of key: String, in line: String) -> String? {
        for item in line.split(separator: ";") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0] == key { return pair[1].trimmingCharacters(in: ["\""]) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
        }
        return nil
    }
}

/// Test audio.
enum TestAudio {
    /// A sine tone.
    static func tone(_ frequency: Double, sampleRate: Int, seconds: Double, amplitude: Double = 8000) -> [Int16] {
        let count = Int(seconds * Double(sampleRate))
        return (0..<count).map { index in
            Int16(amplitude * sin(2 * Double.pi * frequency * Double(index) / Double(sampleRate)))
        }
    }

    static func silence(sampleRate: Int, seconds: Double) -> [Int16] {
        [Int16](repeating: 0, count: Int(seconds * Double(sampleRate)))
    }

    /// 16-bit little-endian bytes.
    static func bytes(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { sample -> [UInt8] in
            let bits = UInt16(bitPattern: sample)
            return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
        }
    }

    /// `bytes` cut into `count` pieces of unequal (and odd) sizes.
    static func pieces(_ bytes: [UInt8], count: Int) -> [[UInt8]] {
        guard count > 1 else { return [bytes] }
        var cuts = (1..<count).map { bytes.count * $0 / count + ($0 % 2 == 1 ? 1 : 0) }
        cuts = [0] + cuts + [bytes.count]
        return zip(cuts, cuts.dropFirst()).map { Array(bytes[$0..<$1]) }
    }

    /// Sign changes, a robust frequency measure for a clean tone.
    static func zeroCrossings(_ samples: ArraySlice<Int16>) -> Int {
        var count = 0
        var previous = samples.first ?? 0
        for sample in samples.dropFirst() {
            if (previous < 0 && sample >= 0) || (previous >= 0 && sample < 0) { count += 1 }
            previous = sample
        }
        return count
    }
}

/// Events collected from a callback on another thread, with a bounded wait.
final class EventLog<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    func append(_ event: Event) {
        lock.withLock { events.append(event) }
    }

    var all: [Event] { lock.withLock { events } }

    /// Polls until `condition` holds on the events (liveness only: generous timeout).
    @discardableResult
    func wait(timeout: Duration = .seconds(20), until condition: ([Event]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(all)
    }
}

/// Polls `condition` (liveness only; never a timing assertion).
func pollUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
