import Foundation

/// A headless baresip 1.0 user agent on 127.0.0.1, driven over ctrl_tcp.
///
/// Its account `sip:<name>@127.0.0.1:<sipPort>` does not register (`regint=0`) and auto-answers,
/// so it can call, or be called by, a SIP server directly. It plays `sourceWAV` into every call
/// (aufile; 16-bit PCM mono WAV) and **ends the call when that file ends**, so the WAV's length
/// is the call's length. sndfile records each call in ``recordingDirectory``: `…-enc.wav` is what
/// it sent, `…-dec.wav` what it received (file names carry the time to the second, so start at
/// most one call per second per instance). Recordings are complete once the call has closed;
/// call ``stop()`` before reading them to be sure.
///
/// `baresip -t maxLifetime` makes the process quit on its own even if a test crashes before
/// ``stop()``; `deinit` stops it too.
public final class Baresip: @unchecked Sendable {
    public let name: String
    public let sipPort: UInt16
    public let ctrlPort: UInt16
    public let rtpPorts: ClosedRange<UInt16>
    public let sourceWAV: URL
    public let codecs: [String]
    /// baresip's `mediaenc` account parameter (e.g. "srtp-mand", "srtp"), nil for plain RTP.
    public let mediaEncryption: String?
    /// When set, the account registers to a server on 127.0.0.1 at this port with this password
    /// (the AOR is `sip:NAME@127.0.0.1:port`); otherwise it only takes direct calls.
    public let registration: (port: UInt16, password: String)?
    public let maxLifetime: TimeInterval
    /// The config directory (config, accounts, contacts, baresip.log).
    public let directory: URL
    /// Where sndfile writes recordings.
    public let recordingDirectory: URL

    private let lock = NSLock()
    private var process: ChildProcess?
    private var control: BaresipControl?

    /// Writes the config into a fresh scratch directory; nothing runs until ``start()``.
    /// - Parameters:
    ///   - name: SIP user name (letters, digits, `.`, `_`, `-`).
    ///   - rtpPorts: at least two ports (RTP and RTCP), e.g. from ``FreePorts/udpRange(count:)``.
    ///   - codecs: offered in this order; baresip names such as PCMU, PCMA (G.711 only is loaded).
    public init(name: String, sipPort: UInt16, ctrlPort: UInt16, rtpPorts: ClosedRange<UInt16>, sourceWAV: URL,
                codecs: [String] = ["PCMU", "PCMA"], mediaEncryption: String? = nil,
                registration: (port: UInt16, password: String)? = nil, maxLifetime: TimeInterval = 600) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.allSatisfy({ allowed.contains($0) }) else {
            throw HarnessError.invalidState("baresip name \(name) is not a plain SIP user name")
        }
        guard rtpPorts.count >= 2 else {
            throw HarnessError.invalidState("baresip needs at least 2 RTP ports, got \(rtpPorts)")
        }
        self.name = name
        self.sipPort = sipPort
        self.ctrlPort = ctrlPort
        self.rtpPorts = rtpPorts
        self.sourceWAV = sourceWAV.standardizedFileURL
        self.codecs = codecs
        self.mediaEncryption = mediaEncryption
        self.registration = registration
        self.maxLifetime = maxLifetime
        directory = try PeerFiles.scratchDirectory("baresip-\(name)")
        recordingDirectory = directory.appendingPathComponent("rec")
        try writeConfiguration()
    }

    /// Same, with free ports chosen by ``FreePorts`` (SIP, control, and 10 RTP ports).
    public convenience init(name: String, sourceWAV: URL, codecs: [String] = ["PCMU", "PCMA"],
                            maxLifetime: TimeInterval = 600) throws {
        try self.init(name: name, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                      rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: sourceWAV, codecs: codecs,
                      maxLifetime: maxLifetime)
    }

    deinit { stop() }

    /// This agent's own address, to be dialled by others.
    public var uri: String { "sip:\(name)@127.0.0.1:\(sipPort)" }

    /// Starts baresip and returns once its control port answers (up to 30 s).
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard process == nil else { throw HarnessError.invalidState("baresip \(name) already started") }
        let child = ChildProcess(executable: "baresip",
                                 arguments: ["-f", directory.path, "-t", String(Int(maxLifetime.rounded(.up)))],
                                 workingDirectory: directory, logFile: directory.appendingPathComponent("baresip.log"))
        try child.start()
        process = child
        let connection = BaresipControl(port: ctrlPort)
        do {
            try connection.connect(timeout: 30) { child.isRunning }
        } catch {
            child.terminate(grace: 2)
            throw HarnessError.launchFailed(executable: "baresip (\(name))", reason: error.description,
                                            output: child.output())
        }
        control = connection
    }

    /// Sends a ctrl_tcp command and returns the JSON response as received (whatever its `ok`).
    @discardableResult
    public func command(_ cmd: String, params: String = "") throws -> String {
        try send(cmd, params: params).json
    }

    /// Calls `uri` (e.g. `sip:1000@127.0.0.1:5080`). Returns once baresip accepted the command;
    /// wait for `CALL_ESTABLISHED` to know the call is up.
    public func dial(_ uri: String) throws {
        let response = try send("dial", params: uri)
        guard response.ok == true else { throw HarnessError.commandFailed(command: "dial \(uri)", response: response.json) }
    }

    /// Hangs up the current call.
    public func hangup() throws {
        let response = try send("hangup", params: "")
        guard response.ok == true else { throw HarnessError.commandFailed(command: "hangup", response: response.json) }
    }

    /// Sends an RFC 4733 DTMF digit in the current call.
    public func sendDTMF(_ digit: Character) throws {
        let response = try send("sndcode", params: String(digit))
        guard response.ok == true else { throw HarnessError.commandFailed(command: "sndcode \(digit)", response: response.json) }
    }

    /// Waits for an event such as `CALL_ESTABLISHED`, `CALL_CLOSED`, `CALL_RINGING`. Each event
    /// satisfies one wait, in arrival order, so two calls need two waits. False on timeout.
    public func waitForEvent(_ type: String, timeout: TimeInterval) -> Bool {
        event(type, timeout: timeout) != nil
    }

    /// Like ``waitForEvent(_:timeout:)`` but returns the event (its `param` holds e.g. the close reason).
    public func event(_ type: String, timeout: TimeInterval) -> BaresipMessage? {
        lock.lock()
        let connection = control
        lock.unlock()
        return connection?.waitForEvent(type, timeout: timeout)
    }

    /// Every ctrl_tcp message received so far.
    public var messages: [BaresipMessage] {
        lock.lock()
        defer { lock.unlock() }
        return control?.allMessages ?? []
    }

    /// Quits baresip (ctrl `quit`, then SIGTERM/SIGKILL to its pid if needed). Idempotent.
    public func stop() {
        lock.lock()
        let child = process
        let connection = control
        lock.unlock()
        guard let child else { return }
        if child.isRunning {
            _ = try? connection?.send("quit", params: "", timeout: 3)
            if child.waitForExit(timeout: 10) == nil { child.terminate(grace: 5) }
        }
        connection?.close()
    }

    /// baresip's stdout and stderr so far.
    public func output() -> String {
        lock.lock()
        defer { lock.unlock() }
        return process?.output() ?? ""
    }

    /// The received-audio recordings (`*-dec.wav`), oldest first.
    public var recordings: [URL] { recordingFiles(suffix: "-dec.wav") }

    /// The sent-audio recordings (`*-enc.wav`), oldest first.
    public var sentRecordings: [URL] { recordingFiles(suffix: "-enc.wav") }

    /// The most recent received-audio recording.
    public var receivedRecording: URL? { recordings.last }

    private func send(_ command: String, params: String) throws(HarnessError) -> BaresipMessage {
        lock.lock()
        let connection = control
        lock.unlock()
        guard let connection else { throw HarnessError.invalidState("baresip \(name) is not running") }
        return try connection.send(command, params: params, timeout: 15)
    }

    private func recordingFiles(suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: recordingDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { recordingDirectory.appendingPathComponent($0) }
    }

    /// Codec and SRTP modules beyond G.711 that this instance needs loaded.
    private var extraModules: [String] {
        var modules: [String] = []
        for codec in codecs.map({ $0.lowercased() }) {
            if codec.hasPrefix("opus") { modules.append("opus") }
            if codec.hasPrefix("g722") { modules.append("g722") }
        }
        if mediaEncryption != nil { modules.append("srtp") }
        return modules
    }

    private func writeConfiguration() throws(HarnessError) {
        var accountParameters = mediaEncryption.map { ";mediaenc=\($0)" } ?? ""
        if let registration {
            accountParameters += ";auth_pass=\(registration.password);regint=600"
        } else {
            accountParameters += ";regint=0"
        }
        let aorPort: UInt16 = registration?.port ?? sipPort
        let values: [String: String] = [
            "@NAME@": name, "@SIP_PORT@": String(sipPort), "@CTRL_PORT@": String(ctrlPort),
            "@RTP_LOW@": String(rtpPorts.lowerBound), "@RTP_HIGH@": String(rtpPorts.upperBound),
            "@SOURCE_WAV@": sourceWAV.path, "@RECORDING_DIR@": recordingDirectory.path,
            "@AUDIO_CODECS@": codecs.map { $0.lowercased() }.joined(separator: ","),
            "@EXTRA_MODULES@": extraModules.map { "module\t\t\t\($0).so" }.joined(separator: "\n"),
            "@ACCOUNT_PARAMS@": accountParameters,
            "@AOR_PORT@": String(aorPort),
        ]
        func fill(_ template: String) throws(HarnessError) -> String {
            let url = PeerFiles.file("baresip/\(template)")
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw HarnessError.file(path: url.path, reason: "missing baresip template")
            }
            var text = String(decoding: data, as: UTF8.self)
            for (key, value) in values { text = text.replacingOccurrences(of: key, with: value) }
            return text
        }
        let files = [("config", try fill("config.template")), ("accounts", try fill("accounts.template")), ("contacts", "")]
        do {
            try FileManager.default.createDirectory(at: recordingDirectory, withIntermediateDirectories: true)
            for (file, text) in files {
                try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
        } catch {
            throw HarnessError.file(path: directory.path, reason: String(describing: error))
        }
    }
}
