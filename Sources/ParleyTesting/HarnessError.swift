import Foundation

/// What went wrong while driving a real peer (a process, a port, a control socket, a file).
///
/// Each case carries what a person needs to see in a failed test: the executable, the port, the
/// command, and where it helps the peer's own log output.
public enum HarnessError: Error, Sendable, CustomStringConvertible {
    /// No free port (or run of ports) was found in the searched range.
    case noFreePort(range: ClosedRange<UInt16>, count: Int)
    /// A socket call failed.
    case socket(call: String, errno: Int32)
    /// The executable is not installed (not on `PATH` and not an existing path).
    case executableNotFound(String)
    /// The process could not be launched, or died while starting.
    case launchFailed(executable: String, reason: String, output: String)
    /// A file or directory could not be read or written.
    case file(path: String, reason: String)
    /// Something did not happen within a (generous) time limit.
    case timedOut(what: String, seconds: Double, output: String)
    /// The baresip ctrl_tcp connection failed or broke.
    case control(port: UInt16, reason: String)
    /// A baresip command was answered with `"ok": false`.
    case commandFailed(command: String, response: String)
    /// A SIPp scenario file was not found.
    case scenarioNotFound(name: String, searched: [String])
    /// A start was requested twice, or an operation needs a running process.
    case invalidState(String)

    public var description: String {
        switch self {
        case .noFreePort(let range, let count):
            return "no \(count) free consecutive port(s) in \(range.lowerBound)-\(range.upperBound)"
        case .socket(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .executableNotFound(let name):
            return "executable \(name) not found on PATH (is its Debian package installed?)"
        case .launchFailed(let executable, let reason, let output):
            return "could not start \(executable): \(reason)\n--- output ---\n\(HarnessError.tail(output))"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        case .timedOut(let what, let seconds, let output):
            return "timed out after \(seconds) s waiting for \(what)\n--- output ---\n\(HarnessError.tail(output))"
        case .control(let port, let reason):
            return "baresip ctrl_tcp 127.0.0.1:\(port): \(reason)"
        case .commandFailed(let command, let response):
            return "baresip command \(command) failed: \(response)"
        case .scenarioNotFound(let name, let searched):
            return "SIPp scenario \(name) not found (searched \(searched.joined(separator: ", ")))"
        case .invalidState(let reason):
            return reason
        }
    }

    /// The last lines of a log, enough to diagnose without flooding a test report.
    static func tail(_ text: String, lines: Int = 40) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
