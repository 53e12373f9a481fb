import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A peer program run for a test (baresip, sipp, sox...), with stdout and stderr in a log file.
///
/// It only ever signals its own pid: ``terminate(grace:)`` sends SIGTERM, then SIGKILL after the
/// grace period, and `deinit` kills a process that is still running, so a failing test cannot
/// leave a peer behind while this object is alive. Every wait has a time limit.
public final class ChildProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    public let logFile: URL

    private let process = Process()
    private let lock = NSLock()
    private var started = false
    private var logHandle: FileHandle?

    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                workingDirectory: URL? = nil, logFile: URL) {
        self.executable = executable
        self.arguments = arguments
        self.logFile = logFile
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    }

    deinit {
        if started && process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? logHandle?.close()
    }

    /// Resolves the executable on `PATH`, creates the log file and launches the process.
    public func start() throws(HarnessError) {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { throw HarnessError.invalidState("\(executable) was already started") }
        guard let path = ChildProcess.resolve(executable) else {
            throw HarnessError.executableNotFound(executable)
        }
        let directory = logFile.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HarnessError.file(path: directory.path, reason: String(describing: error))
        }
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: logFile.path)
        else {
            throw HarnessError.file(path: logFile.path, reason: "cannot create log file")
        }
        logHandle = handle
        process.executableURL = URL(fileURLWithPath: path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        do {
            try process.run()
        } catch {
            throw HarnessError.launchFailed(executable: path, reason: String(describing: error), output: "")
        }
        started = true
    }

    /// The process id (0 before ``start()``).
    public var pid: Int32 { process.processIdentifier }

    public var isRunning: Bool { started && process.isRunning }

    /// Waits up to `timeout` seconds. Returns the exit status, 128 + signal number if a signal
    /// ended it (as shells report it), or nil if it is still running.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        guard started else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return exitStatus
    }

    /// The exit status once the process has ended (see ``waitForExit(timeout:)``), else nil.
    public var exitStatus: Int32? {
        guard started, !process.isRunning else { return nil }
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        case .uncaughtSignal: return 128 + process.terminationStatus
        @unknown default: return process.terminationStatus
        }
    }

    /// SIGTERM to this process's pid; SIGKILL if it is still running after `grace` seconds.
    /// Returns once the process has ended (or after a further 10 s if even SIGKILL did not work).
    public func terminate(grace: TimeInterval = 5) {
        guard isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        if waitForExit(timeout: grace) != nil { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = waitForExit(timeout: 10)
    }

    /// The log file as text so far (stdout and stderr interleaved).
    public func output() -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits until the log contains `text`. Returns false on timeout or if the process ended
    /// without printing it.
    public func waitForOutput(containing text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if output().contains(text) { return true }
            if started && !process.isRunning { return output().contains(text) }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// A full path for `name`: itself if it contains a slash, else the first executable match on
    /// `PATH` (with the usual system directories as a fallback).
    public static func resolve(_ name: String) -> String? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? name : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
