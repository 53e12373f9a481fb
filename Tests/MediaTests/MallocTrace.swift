import CMediaShims
import Foundation
import Glibc
import XCTest

/// Counts the heap allocations a piece of code makes, with glibc's malloc trace (mtrace).
///
/// The trace only works in a process started with `LD_PRELOAD=libc_malloc_debug.so.0` (glibc
/// 2.34 and later keep the malloc hooks there), so ``allocations(test:workload:)`` re-runs one
/// test of this test binary in a child process with that library preloaded; the child sees
/// ``workload`` set, runs the code under ``traced(_:)`` and exits; the parent counts the `+`
/// (allocation) lines of the trace file. Every allocation counts: Swift objects, arrays,
/// closures, and C mallocs alike.
enum MallocTrace {
    static let library = "/lib/x86_64-linux-gnu/libc_malloc_debug.so.0"
    private static let workloadVariable = "PARLEY_MALLOC_TRACE_WORKLOAD"

    /// The workload a child process was started for, nil in the normal test run.
    static var workload: String? { ProcessInfo.processInfo.environment[workloadVariable] }

    /// Whether the trace can be taken here.
    static var available: Bool { FileManager.default.fileExists(atPath: library) }

    /// Runs `body` with the trace on (in the child; a no-op trace elsewhere).
    static func traced(_ body: () -> Void) {
        pn_malloc_trace_start()
        body()
        pn_malloc_trace_stop()
    }

    /// Runs `test` ("Module.Class/method") in a child process for `workload` and returns the
    /// allocations its traced region made.
    static func allocations(test: String, workload: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        // glibc's malloc-debug preload occasionally takes the instrumented test process down with
        // a signal before the workload runs (seen once in a fresh CI clone); such a child counted
        // nothing, so it is run again. A child that exits with a failure still fails the test.
        for _ in 0..<3 {
            if let count = try tracedRun(test: test, workload: workload, file: file, line: line) { return count }
        }
        XCTFail("the traced child was killed by a signal three times", file: file, line: line)
        return -1
    }

    /// One traced child; nil when a signal killed it.
    private static func tracedRun(test: String, workload: String, file: StaticString, line: UInt) throws -> Int? {
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("parley-mtrace-\(getpid())-\(workload).txt")
        defer { try? FileManager.default.removeItem(at: trace) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [test]
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = library
        environment["MALLOC_TRACE"] = trace.path
        environment[workloadVariable] = workload
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Liveness only: the child takes a second or two.
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("the traced child did not finish", file: file, line: line)
            return -1
        }
        if process.terminationReason == .uncaughtSignal { return nil }
        XCTAssertEqual(process.terminationStatus, 0, "the traced child's own test failed", file: file, line: line)
        let text = try String(contentsOf: trace, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("= Start"), "no trace was written: \(text.prefix(200))", file: file, line: line)
        // The dynamic loader's own allocations (thread-local storage of a thread the runtime
        // starts meanwhile) are not the workload's.
        return text.split(separator: "\n").filter { $0.contains(" + ") && !$0.contains("/ld-linux") }.count
    }

    /// The fewest allocations over up to `attempts` children: what the workload itself does,
    /// without another thread's occasional allocation landing in the traced window (mtrace
    /// logs every thread). A per-packet allocation shows up in every run.
    static func fewestAllocations(test: String, workload: String, attempts: Int = 3,
                                  file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var fewest = Int.max
        for _ in 0..<max(1, attempts) {
            fewest = min(fewest, try allocations(test: test, workload: workload, file: file, line: line))
            if fewest <= 0 { break }
        }
        return fewest
    }
}
