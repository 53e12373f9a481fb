import Foundation
import Yams

extension ParleyConfiguration {
    public static let supportedCodecs = ["PCMU", "PCMA", "G722", "opus"]
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Reads and validates a configuration file. Every problem is a ``ConfigError`` with file and line.
    public static func load(path: String) throws(ConfigError) -> ParleyConfiguration {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, file: path, baseDirectory: url.deletingLastPathComponent())
    }

    /// Validates configuration text; relative paths resolve against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: URL, checkFiles: Bool = true)
        throws(ConfigError) -> ParleyConfiguration
    {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: 1, reason: "the file is empty")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ConfigError(file: file, line: nil, reason: "not valid YAML: \(error)")
        }
        let top = try ConfigNode(node: root, file: file, path: "")
            .mapping(allowed: ["sip", "rtp", "storage", "sounds", "log", "dialplan", "users", "demo_users", "trunks", "inbound", "security", "agents", "control"])
        var config = ParleyConfiguration(
            dataDirectory: baseDirectory.appendingPathComponent("../data").standardizedFileURL,
            soundsDirectory: baseDirectory.appendingPathComponent("../sounds").standardizedFileURL,
            source: file)
        config.agentsDirectory = baseDirectory.appendingPathComponent("agents").standardizedFileURL
        if let n = top["sip"] { config.sip = try readSIP(n) }
        if let n = top["rtp"] { config.rtp = try readRTP(n) }
        if let n = top["storage"] {
            let m = try n.mapping(allowed: ["data_dir"])
            if let d = m["data_dir"] { config.dataDirectory = resolve(try d.nonEmptyString(), baseDirectory) }
        }
        if let n = top["sounds"] {
            config.soundsDirectory = resolve(try n.nonEmptyString(), baseDirectory)
            if checkFiles, !isDirectory(config.soundsDirectory) {
                throw n.error("sounds folder \(config.soundsDirectory.path) does not exist")
            }
        }
        if let n = top["agents"] {
            let m = try n.mapping(allowed: ["directory"])
            if let d = m["directory"] {
                config.agentsDirectory = resolve(try d.nonEmptyString(), baseDirectory)
                if checkFiles, !isDirectory(config.agentsDirectory) {
                    throw d.error("agents folder \(config.agentsDirectory.path) does not exist")
                }
            }
        }
        if let n = top["log"] {
            let m = try n.mapping(allowed: ["level"])
            if let l = m["level"] { config.logLevel = try l.oneOf(logLevels) }
        }
        if let n = top["control"] { config.control = try readControl(n, environment: ProcessInfo.processInfo.environment) }
        try readPBX(top, into: &config, checkFiles: checkFiles)
        return config
    }

    /// Users, trunks, security, the dialplan and inbound routes, in the order their references need.
    private static func readPBX(_ top: [String: ConfigNode], into config: inout ParleyConfiguration, checkFiles: Bool)
        throws(ConfigError)
    {
        if let n = top["users"] { config.users = try readUsers(n) }
        if let n = top["demo_users"] {
            config.demoUsers = try n.bool()
            if config.demoUsers { config.users = withDemoUsers(config.users, line: n.line) }
        }
        try checkDemoPasswordsStayLocal(config, top)
        if let n = top["trunks"] { config.trunks = try readTrunks(n) }
        if let n = top["security"] { config.security = try readSecurity(n) }
        if let n = top["dialplan"] {
            config.dialplanRules = try readDialplan(n, config: config, checkFiles: checkFiles)
            config.dialplan = extensions(of: config.dialplanRules)
        }
        if let n = top["inbound"] { config.inbound = try readInbound(n, config: config) }
    }

    /// Demo passwords are published, so they may only guard a switch that listens on loopback.
    private static func checkDemoPasswordsStayLocal(_ config: ParleyConfiguration, _ top: [String: ConfigNode])
        throws(ConfigError)
    {
        guard let user = config.users.first(where: \.usesDemoPassword) else { return }
        let exposed = [("sip.listen", config.sip.listen), ("rtp.address", config.rtp.address)]
            .filter { !IPNetwork.isLoopback($0.1) }
        guard let (key, address) = exposed.first else { return }
        let which = user.isDemo ? "demo_users gives extensions \(User.demoExtensions.lowerBound)-\(User.demoExtensions.upperBound) published passwords (demo1000 ...)"
            : "user \(user.number) has the published demo password \(User.demoPassword(for: user.number))"
        let fix = user.isDemo ? "set demo_users: false and give users their own passwords"
            : "give user \(user.number) another password"
        let reason = "\(which), but \(key) is \(address), which is not a loopback address; \(fix), or listen on 127.0.0.1"
        let line = user.isDemo ? top["demo_users"]?.line : user.line
        throw ConfigError(file: config.source, line: line, reason: reason)
    }

    private static func readSIP(_ n: ConfigNode) throws(ConfigError) -> SIP {
        let m = try n.mapping(allowed: ["listen", "port", "user_agent", "stack_log_level", "realm", "domain"])
        var sip = SIP()
        if let v = m["listen"] {
            sip.listen = try v.nonEmptyString()
            guard isIPAddress(sip.listen) else { throw v.error("'\(sip.listen)' is not an IPv4 or IPv6 address") }
        }
        if let v = m["port"] { sip.port = try v.int(in: 1...65535) }
        if let v = m["user_agent"] { sip.userAgent = try v.nonEmptyString() }
        if let v = m["stack_log_level"] { sip.stackLogLevel = try v.int(in: 0...9) }
        sip.realm = try m["realm"].map { v throws(ConfigError) in try realm(v) } ?? sip.listen
        sip.domain = sip.listen
        if let v = m["domain"] {
            sip.domain = try v.nonEmptyString()
            guard IPNetwork.isAddress(sip.domain) || HostName.isValid(sip.domain) else {
                throw v.error("'\(sip.domain)' is not a domain name or IP address")
            }
        }
        return sip
    }

    private static func readRTP(_ n: ConfigNode) throws(ConfigError) -> RTP {
        let m = try n.mapping(allowed: ["address", "port_min", "port_max", "codecs", "ptime", "jitter_buffer_frames", "threads", "realtime", "srtp", "media_timeout_s"])
        var rtp = RTP()
        if let v = m["address"] {
            rtp.address = try v.nonEmptyString()
            guard isIPAddress(rtp.address) else { throw v.error("'\(rtp.address)' is not an IPv4 or IPv6 address") }
        }
        if let v = m["port_min"] { rtp.portMin = try v.int(in: 1024...65534) }
        if let v = m["port_max"] { rtp.portMax = try v.int(in: 1025...65535) }
        if rtp.portMax - rtp.portMin < 3 {
            throw (m["port_max"] ?? m["port_min"] ?? n).error("port_max must be at least port_min + 3 (an RTP/RTCP pair needs two ports)")
        }
        if let v = m["codecs"] { rtp.codecs = try v.codecList() }
        if let v = m["ptime"] {
            rtp.ptime = try v.int(in: 10...60)
            guard rtp.ptime == 20 else { throw v.error("only ptime 20 is supported for now") }
        }
        if let v = m["jitter_buffer_frames"] { rtp.jitterBufferFrames = try v.int(in: 1...50) }
        if let v = m["threads"] { rtp.threads = try v.int(in: 0...64) }
        if let v = m["realtime"] { rtp.realtime = try v.bool() }
        if let v = m["srtp"] { rtp.srtp = try v.choice(SRTPPolicy.self).rawValue }
        if let v = m["media_timeout_s"] { rtp.mediaTimeoutSeconds = try v.int(in: 0...3600) }
        return rtp
    }

    private static func resolve(_ path: String, _ base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    static func isIPAddress(_ s: String) -> Bool {
        IPNetwork.isAddress(s)
    }

    private static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, reason: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: file, line: nil, reason: "not valid YAML: \(error)")
        }
    }
}
