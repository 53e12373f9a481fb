import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `kamcmd` against a Kamailio control socket (binrpc over a unix socket) and reads its
/// answers: each call is a bounded child process whose output is returned as text.
struct KamailioControl {
    let socket: URL
    /// Where the kamcmd log file is written.
    let directory: URL

    /// kamcmd's output for `command` (e.g. `["ul.lookup", "location", "pbx"]`), or nil when it
    /// could not run or did not finish within `timeout` seconds (then it is killed).
    func run(_ command: [String], timeout: TimeInterval = 10) -> String? {
        let process = ChildProcess(executable: "kamcmd", arguments: ["-s", "unix:\(socket.path)"] + command,
                                   logFile: directory.appendingPathComponent("kamcmd-\(UUID().uuidString.prefix(8)).log"))
        defer { try? FileManager.default.removeItem(at: process.logFile) }
        do {
            try process.start()
        } catch {
            return nil
        }
        guard process.waitForExit(timeout: timeout) != nil else {
            process.terminate(grace: 1)
            return nil
        }
        return process.output()
    }

    /// The `Address:` values of the contacts in a `ul.lookup` or `ul.dump` answer, in order.
    /// An error answer (`error: 500 - AOR not found ...`) has none.
    static func contactAddresses(in text: String) -> [String] {
        var addresses: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            guard trimmed.hasPrefix("Address:") else { continue }
            let value = trimmed.dropFirst("Address:".count).trimmingWhitespace()
            if !value.isEmpty { addresses.append(value) }
        }
        return addresses
    }
}

/// Finds and ends the worker processes of a Kamailio the harness started (Linux `/proc`).
///
/// Kamailio forks its workers; SIGTERM to the main process normally ends them all, but a main
/// process killed with SIGKILL leaves them running and holding the ports. The harness records
/// their PIDs while Kamailio runs and, after stopping it, kills only those that are still a
/// `kamailio` whose command line names this instance's runtime directory.
enum KamailioProcesses {
    /// The PIDs whose parent is `parent` (empty where `/proc` is unavailable).
    static func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry), pid > 1, parentPID(of: pid) == parent else { continue }
            result.append(pid)
        }
        return result
    }

    /// The parent PID from `/proc/PID/stat` (the field after the parenthesised command name).
    static func parentPID(of pid: Int32) -> Int32? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 2 else { return nil }
        return Int32(fields[1])
    }

    /// SIGKILL to each of `pids` that is still a kamailio started with `marker` (the runtime
    /// directory) on its command line; waits up to 5 s for them to go.
    static func killLeftovers(_ pids: [Int32], marker: String) {
        let ours = pids.filter { isOurs($0, marker: marker) }
        for pid in ours { kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(5)
        while ours.contains(where: { isOurs($0, marker: marker) }) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    static func isOurs(_ pid: Int32, marker: String) -> Bool {
        guard let comm = FileManager.default.contents(atPath: "/proc/\(pid)/comm"),
              String(decoding: comm, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "kamailio",
              let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return false }
        // A zombie has an empty command line: it is gone already, only not yet reaped.
        return String(decoding: cmdline, as: UTF8.self).contains(marker)
    }
}
