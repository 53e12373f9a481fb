import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Kamailio 5.6 "SIP trunk provider" on 127.0.0.1 for tests (Debian package kamailio).
///
/// It runs `Tests/Peers/kamailio/trunk.cfg` in the foreground (`-DD -E`) under a small `sh`
/// wrapper started as a ``ChildProcess``: Kamailio closes every inherited descriptor, including
/// the one Foundation's `Process` watches to notice a child's exit, which would stall the exit
/// detection of every other child process; the wrapper keeps it open, forwards SIGTERM and
/// exits with Kamailio. The harness knows Kamailio's main PID and its workers' PIDs and ends
/// them by PID. Listen and gateway ports and every path come from `-A` defines, and runtime
/// files (log, pid file, control socket, a private copy of the db_text users) live in a fresh
/// scratch directory. It is a registrar with digest auth (users
/// pbx/pbxsecret, alice/alicepw, bob/bobpw, 1001..1004/pw1001..; realm 127.0.0.1), relays
/// numbers that `pbx` dials to the simulated PSTN gateway on `pstnPort` (trusted without auth),
/// and delivers other numbers to pbx's registered contact. Registrations live in memory only,
/// so ``restart()`` forgets them. `extraDefines` are passed as further `-A` options, e.g.
/// `WITH_DEBUG` (log each request) or `WITH_SHA256`.
public final class KamailioTrunk: @unchecked Sendable {
    public let sipPort: UInt16
    public let pstnPort: UInt16
    public let extraDefines: [String]
    /// Where runtime files go (left in place after the test for diagnosis).
    public let directory: URL

    private let lock = NSLock()
    /// The `sh` wrapper around kamailio.
    private var process: ChildProcess?
    /// Kamailio's main process and its workers, once known.
    private var mainPID: Int32?
    private var children: [Int32] = []
    private var runs = 0
    private var previousLogs = ""

    /// Prepares a scratch directory with a copy of the users table; nothing runs until
    /// ``start()``. Ports must be free loopback ports from ``FreePorts`` (never 5060).
    public init(sipPort: UInt16, pstnPort: UInt16, extraDefines: [String] = []) throws(HarnessError) {
        for port in [sipPort, pstnPort] where port == 0 || port == 5060 {
            throw HarnessError.invalidState("kamailio port \(port) is not allowed (0 and 5060 are refused)")
        }
        guard sipPort != pstnPort else { throw HarnessError.invalidState("sipPort and pstnPort are both \(sipPort)") }
        self.sipPort = sipPort
        self.pstnPort = pstnPort
        self.extraDefines = extraDefines
        directory = try PeerFiles.scratchDirectory("kamailio")
        try Self.copyUsers(into: directory.appendingPathComponent("dbtext"))
    }

    deinit { stop() }

    /// The registrar's URI, e.g. `sip:127.0.0.1:40000`.
    public var uri: String { "sip:127.0.0.1:\(sipPort)" }

    /// The control socket kamcmd talks to.
    public var controlSocket: URL { directory.appendingPathComponent("ctl") }

    /// Kamailio's main process id while running, else nil.
    public var pid: Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard process?.isRunning == true else { return nil }
        return mainPID
    }

    public var isRunning: Bool { pid != nil }

    /// Starts kamailio and waits (up to 30 s) until its SIP port is bound and its control socket
    /// answers. Throws with the log if it exits or never gets ready.
    public func start() throws(HarnessError) {
        lock.lock()
        defer { lock.unlock() }
        guard process?.isRunning != true else { throw HarnessError.invalidState("kamailio is already running") }
        guard ChildProcess.resolve(Self.executable) != nil else { throw HarnessError.executableNotFound("kamailio") }
        guard FreePorts.isFree(sipPort) else {
            throw HarnessError.launchFailed(executable: "kamailio", reason: "port \(sipPort) is already in use", output: "")
        }
        runs += 1
        // The wrapper keeps Foundation's exit-watch descriptor open (see the type's comment).
        let script = "\"$@\" & pid=$!; trap 'kill -TERM $pid 2>/dev/null' TERM INT; " +
            "wait $pid; status=$?; while kill -0 $pid 2>/dev/null; do wait $pid; status=$?; done; exit $status"
        let child = ChildProcess(executable: "sh", arguments: ["-c", script, "kamailio-wrapper", Self.executable] + arguments(),
                                 workingDirectory: directory,
                                 logFile: directory.appendingPathComponent("kamailio-\(runs).log"))
        try child.start()
        process = child
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !child.isRunning {
                let output = child.output()
                terminateLocked()
                throw HarnessError.launchFailed(executable: Self.executable, reason: "exited with \(child.exitStatus ?? -1)",
                                                output: output)
            }
            if mainPID == nil {
                mainPID = KamailioProcesses.children(of: child.pid).first { KamailioProcesses.isOurs($0, marker: directory.path) }
            }
            if let main = mainPID, !FreePorts.isFree(sipPort, udp: true, tcp: false),
               FileManager.default.fileExists(atPath: controlSocket.path),
               KamailioControl(socket: controlSocket, directory: directory).run(["core.version"])?.contains("kamailio") == true {
                children = KamailioProcesses.children(of: main)
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let output = child.output()
        terminateLocked()
        throw HarnessError.timedOut(what: "kamailio on 127.0.0.1:\(sipPort) to get ready", seconds: 30, output: output)
    }

    /// Stops kamailio: SIGTERM through the wrapper (kamailio then ends its workers), SIGKILL to
    /// the wrapper after 10 s, then SIGKILL by PID to any kamailio process of this instance still
    /// alive. Waits up to 10 s for the SIP port to be released. Harmless when not running.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        terminateLocked()
    }

    /// Stops and starts again on the same ports (registrations are forgotten).
    public func restart() throws(HarnessError) {
        stop()
        try start()
    }

    /// Every run's output so far (stdout and stderr), oldest first.
    public var log: String {
        lock.lock()
        defer { lock.unlock() }
        return previousLogs + (process?.output() ?? "")
    }

    /// The contact URIs registered for `user` (the AOR's user part, e.g. "pbx"), from
    /// `kamcmd ul.lookup location s:USER` (`s:` keeps a numeric user a string); empty when none,
    /// or when kamailio is not running.
    public func registeredContacts(of user: String) -> [String] {
        guard isRunning, !user.isEmpty, !user.contains(where: { $0.isWhitespace }) else { return [] }
        guard let text = KamailioControl(socket: controlSocket, directory: directory).run(["ul.lookup", "location", "s:\(user)"])
        else { return [] }
        return KamailioControl.contactAddresses(in: text)
    }

    /// Polls ``registeredContacts(of:)`` until `predicate` holds (default: any contact) or
    /// `timeout` seconds pass; returns the last contacts seen.
    @discardableResult
    public func waitForContacts(of user: String, timeout: TimeInterval,
                                until predicate: ([String]) -> Bool = { !$0.isEmpty }) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var contacts = registeredContacts(of: user)
        while !predicate(contacts) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            contacts = registeredContacts(of: user)
        }
        return contacts
    }

    // MARK: - Internals

    /// The kamailio executable: on `PATH`, else Debian's `/usr/sbin/kamailio`.
    static var executable: String { ChildProcess.resolve("kamailio") ?? "/usr/sbin/kamailio" }

    /// kamailio's arguments: foreground, log to stderr, ports and paths as `-A` defines.
    func arguments() -> [String] {
        var arguments = ["-f", PeerFiles.file("kamailio/trunk.cfg").path, "-DD", "-E", "-m", "64", "-M", "8",
                         "-P", directory.appendingPathComponent("kamailio.pid").path, "-Y", directory.path,
                         "-A", "SIP_PORT=\(sipPort)",
                         "-A", "PSTN_PORT=\(pstnPort)",
                         "-A", "PSTN_GW=\"sip:127.0.0.1:\(pstnPort)\"",
                         "-A", "DBURL=\"text://\(directory.appendingPathComponent("dbtext").path)\"",
                         "-A", "CTL_SOCK=\"unix:\(controlSocket.path)\""]
        for define in extraDefines { arguments += ["-A", define] }
        return arguments
    }

    private func terminateLocked() {
        guard let child = process else { return }
        if child.isRunning {
            // SIGTERM to the wrapper reaches kamailio, which ends its workers; whatever is left
            // after the grace period is killed by PID.
            var known = children + KamailioProcesses.children(of: child.pid)
            if let mainPID { known += [mainPID] + KamailioProcesses.children(of: mainPID) }
            child.terminate(grace: 10)
            KamailioProcesses.killLeftovers(Array(Set(known)), marker: directory.path)
        }
        previousLogs += child.output()
        process = nil
        mainPID = nil
        children = []
        let deadline = Date().addingTimeInterval(10)
        while !FreePorts.isFree(sipPort, udp: true, tcp: false) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private static func copyUsers(into destination: URL) throws(HarnessError) {
        let source = PeerFiles.file("kamailio/dbtext")
        do {
            try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
            for name in ["version", "subscriber"] {
                let data = try Data(contentsOf: source.appendingPathComponent(name))
                try data.write(to: destination.appendingPathComponent(name))
            }
        } catch {
            throw HarnessError.file(path: source.path, reason: String(describing: error))
        }
    }
}
