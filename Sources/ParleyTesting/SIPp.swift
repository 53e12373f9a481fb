import Foundation

/// The outcome of one SIPp run.
public struct SIPpResult: Sendable {
    /// sipp's exit status: 0 all calls succeeded, 1 some failed, 97 stopped by a command,
    /// 99 exited without processing a call, 255 (-1) fatal error, 254 (-2) could not bind.
    public var exitStatus: Int32
    /// Cumulative `SuccessfulCall(C)` from the statistics file.
    public var successfulCalls: Int
    /// Cumulative `FailedCall(C)` from the statistics file.
    public var failedCalls: Int
    /// sipp's stdout and stderr (its final statistics screen included).
    public var output: String
}

/// Runs SIPp 3.6 (Debian package sip-tester) on 127.0.0.1.
///
/// `scenario` is nil or `"uac"`/`"uas"` (and the other built-in names) for `-sn`, a file name in
/// `Tests/Peers/sipp` (with or without `.xml`), or a path. The call counts come from the
/// `-trace_stat` CSV file sipp writes at exit (last line, cumulative columns), with the final
/// statistics screen on stdout as a fallback. Unless the arguments already say otherwise the run
/// gets `-i 127.0.0.1`, `-nostdin`, free media ports (`-mp`), and a global `-timeout` so sipp
/// always ends by itself.
/// WAV files next to a checked-in scenario are linked into the working directory, because
/// `rtp_stream` looks for its file only there.
public struct SIPp {
    /// Runs sipp to completion (or kills it after `timeout` + 15 s and throws).
    public static func run(scenario: String?, arguments: [String], workingDirectory: URL,
                           timeout: TimeInterval) throws -> SIPpResult {
        let instance = try start(scenario: scenario, arguments: arguments, workingDirectory: workingDirectory,
                                 timeout: timeout)
        return try instance.finish(timeout: timeout + 15)
    }

    /// Starts sipp in the background, e.g. a UAS that the code under test calls; collect its
    /// result with ``SIPpInstance/finish(timeout:)`` (give it `-m N` so it ends after N calls) or
    /// ``SIPpInstance/stop()``.
    public static func start(scenario: String?, arguments: [String], workingDirectory: URL,
                             timeout: TimeInterval) throws -> SIPpInstance {
        let scenarioArguments = try scenarioArguments(scenario, workingDirectory: workingDirectory)
        let label = (scenario ?? "uac").split(separator: "/").last.map(String.init) ?? "sipp"
        let stem = "\(label.replacingOccurrences(of: ".xml", with: ""))-\(UUID().uuidString.prefix(8))"
        let statFile = workingDirectory.appendingPathComponent("\(stem)-stat.csv")
        var all = scenarioArguments + arguments
        if !arguments.contains("-i") { all += ["-i", "127.0.0.1"] }
        if !arguments.contains("-nostdin") { all.append("-nostdin") }
        // sipp binds its media/echo sockets at -mp (default 6000) and the video pair above it:
        // give each run its own ports so parallel runs never collide.
        if !arguments.contains("-mp") { all += ["-mp", String(try FreePorts.udpRange(count: 4).lowerBound)] }
        if !arguments.contains("-timeout") {
            all += ["-timeout", "\(Int(timeout.rounded(.up)))s", "-timeout_error"]
        }
        all += ["-trace_stat", "-stf", statFile.path]
        let process = ChildProcess(executable: "sipp", arguments: all, workingDirectory: workingDirectory,
                                   logFile: workingDirectory.appendingPathComponent("\(stem).log"))
        try process.start()
        return SIPpInstance(process: process, statFile: statFile)
    }

    /// `-sn NAME` for built-ins, else `-sf PATH` after finding the file and linking its WAVs.
    static func scenarioArguments(_ scenario: String?, workingDirectory: URL) throws(HarnessError) -> [String] {
        let builtIns: Set<String> = ["uac", "uas", "regexp", "3pcc-C-A", "3pcc-C-B", "3pcc-A", "3pcc-B",
                                     "branchc", "branchs"]  // not uac_pcap: Tests/Peers/sipp has its own
        guard let scenario else { return ["-sn", "uac"] }
        if builtIns.contains(scenario) { return ["-sn", scenario] }
        let base = PeerFiles.root.appendingPathComponent("sipp")
        var candidates = [URL]()
        if scenario.hasPrefix("/") {
            candidates.append(URL(fileURLWithPath: scenario))
        } else {
            for name in scenario.hasSuffix(".xml") ? [scenario] : [scenario + ".xml", scenario] {
                candidates.append(base.appendingPathComponent(name))
                candidates.append(workingDirectory.appendingPathComponent(name))
            }
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw HarnessError.scenarioNotFound(name: scenario, searched: candidates.map(\.path))
        }
        try linkMediaFiles(from: found.deletingLastPathComponent(), into: workingDirectory)
        return ["-sf", found.path]
    }

    private static func linkMediaFiles(from directory: URL, into workingDirectory: URL) throws(HarnessError) {
        guard directory.standardizedFileURL != workingDirectory.standardizedFileURL else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasSuffix(".wav") {
            let link = workingDirectory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: link.path) { continue }
            do {
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: directory.appendingPathComponent(name))
            } catch {
                throw HarnessError.file(path: link.path, reason: String(describing: error))
            }
        }
    }
}

/// A sipp process started by ``SIPp/start(scenario:arguments:workingDirectory:timeout:)``.
public final class SIPpInstance: @unchecked Sendable {
    public let process: ChildProcess
    /// The `-trace_stat` CSV file.
    public let statFile: URL

    init(process: ChildProcess, statFile: URL) {
        self.process = process
        self.statFile = statFile
    }

    deinit { process.terminate(grace: 2) }

    /// Waits for sipp to exit by itself and reads its result; kills it and throws after `timeout`.
    public func finish(timeout: TimeInterval) throws -> SIPpResult {
        guard let status = process.waitForExit(timeout: timeout) else {
            process.terminate(grace: 3)
            throw HarnessError.timedOut(what: "sipp to finish", seconds: timeout, output: process.output())
        }
        return result(exitStatus: status)
    }

    /// Stops sipp (SIGTERM, then SIGKILL) and reads whatever result it left.
    @discardableResult
    public func stop() -> SIPpResult {
        process.terminate(grace: 5)
        return result(exitStatus: process.exitStatus ?? -1)
    }

    private func result(exitStatus: Int32) -> SIPpResult {
        let output = process.output()
        let csv = FileManager.default.contents(atPath: statFile.path).map { String(decoding: $0, as: UTF8.self) }
        let counts = csv.flatMap(SIPpStatistics.init(csv:)) ?? SIPpStatistics(screen: output)
        return SIPpResult(exitStatus: exitStatus, successfulCalls: counts?.successfulCalls ?? 0,
                          failedCalls: counts?.failedCalls ?? 0, output: output)
    }
}
