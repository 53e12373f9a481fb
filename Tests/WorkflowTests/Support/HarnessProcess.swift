import Foundation
import XCTest

/// Drives the WorkflowCrashHarness child process: write command lines, wait for output lines,
/// SIGKILL it.
///
/// The binary is found through WORKFLOW_HARNESS if set; otherwise as a sibling of the test
/// bundle in the build products directory (`swift test` builds it there because the test
/// target depends on it): e.g. .build/debug/WorkflowCrashHarness next to
/// .build/debug/<Package>PackageTests.xctest.
final class HarnessProcess: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let outputPipe = Pipe()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var buffer = Data()
    private var closed = false

    static func executable() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["WORKFLOW_HARNESS"] {
            return URL(fileURLWithPath: override)
        }
        var candidates = [Bundle(for: HarnessProcess.self).bundleURL, Bundle.main.bundleURL,
                          URL(fileURLWithPath: CommandLine.arguments[0])]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe))
        }
        for candidate in candidates {
            var directory = candidate
            for _ in 0..<5 {
                let binary = directory.appendingPathComponent("WorkflowCrashHarness")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw HarnessError(message: "WorkflowCrashHarness not found near \(candidates.map(\.path)); "
                           + "build it (swift build --product WorkflowCrashHarness) or set WORKFLOW_HARNESS")
    }

    init(database: String, clockStart: Int64) throws {
        process.executableURL = try Self.executable()
        process.arguments = [database, String(clockStart)]
        process.standardInput = input
        process.standardOutput = outputPipe
        process.standardError = FileHandle.nullDevice
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.receive(data)
        }
        try process.run()
    }

    private func receive(_ data: Data) {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        if data.isEmpty {
            closed = true
            outputPipe.fileHandleForReading.readabilityHandler = nil
            return
        }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }

    var output: [String] {
        condition.lock()
        defer { condition.unlock() }
        return lines
    }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Waits (liveness bound only) until at least `count` lines equal `line`.
    func waitForCount(of line: String, atLeast count: Int, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while lines.filter({ $0 == line }).count < count {
            if closed { throw HarnessError(message: "harness exited before \(count) × \(line)") }
            if !condition.wait(until: deadline) {
                throw HarnessError(message: "timed out waiting for \(count) × \(line)")
            }
        }
    }

    /// Waits (liveness bound only) for a line matching `predicate`; returns it. The predicate
    /// runs under the output lock: it must not call back into this object.
    @discardableResult
    func waitFor(_ description: String, timeout: TimeInterval = 60,
                 _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = lines.first(where: predicate) { return line }
            if closed { throw HarnessError(message: "harness exited before \(description); output: \(lines.suffix(20))") }
            if !condition.wait(until: deadline) {
                throw HarnessError(message: "timed out waiting for \(description); output: \(lines.suffix(20))")
            }
        }
    }

    /// Sends a command and waits for its own "ok"/"error" answer (answers come in order).
    /// Returns the lines printed while it ran.
    @discardableResult
    func command(_ line: String, timeout: TimeInterval = 60) throws -> [String] {
        let start = output.count
        send(line)
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            let fresh = lines.count > start ? Array(lines[start...]) : []
            if let answer = fresh.first(where: { $0.hasPrefix("ok ") || $0.hasPrefix("error ") }) {
                if answer.hasPrefix("error ") { throw HarnessError(message: "\(line): \(answer)") }
                return fresh
            }
            if closed { throw HarnessError(message: "harness exited during \(line); output: \(lines.suffix(20))") }
            if !condition.wait(until: deadline) {
                throw HarnessError(message: "timed out on \(line); output: \(lines.suffix(20))")
            }
        }
    }

    /// Lines printed after index `from`.
    func lines(from index: Int) -> [String] {
        let all = output
        return index < all.count ? Array(all[index...]) : []
    }

    /// SIGKILL, then reap.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminateIfRunning() {
        if process.isRunning { kill9() }
    }

    struct HarnessError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
