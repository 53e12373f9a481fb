import Foundation

extension ParleyConfiguration {
    static let actions = ["echo", "playback", "user", "trunk", "reject", "conference", "agent", "park"]

    /// Keys that belong to some actions only, with the actions they belong to.
    private static let actionKeys: [(key: String, actions: Set<String>)] = [
        ("sound", ["playback"]), ("loop", ["playback"]), ("hangup_at_end", ["playback"]),
        ("early_media_ms", ["echo", "playback"]),
        ("target", ["user"]), ("ring_timeout_s", ["user"]),
        ("trunk", ["trunk"]), ("strip", ["trunk"]), ("prepend", ["trunk"]),
        ("code", ["reject"]),
        ("room", ["conference"]), ("pin", ["conference"]), ("moderator_pin", ["conference"]),
        ("max_members", ["conference"]), ("end_with_moderator", ["conference"]), ("record", ["conference"]),
        ("rate", ["conference"]), ("tones", ["conference"]),
        ("agent", ["agent"]),
        ("timeout_s", ["park"]),
    ]

    /// Reads `dialplan:`; users and trunks must already be read, since entries refer to them.
    static func readDialplan(_ n: ConfigNode, config: ParleyConfiguration, checkFiles: Bool)
        throws(ConfigError) -> [DialplanRule]
    {
        var rules: [DialplanRule] = []
        for item in try n.sequence() {
            let m = try item.mapping(allowed: Set(actionKeys.map(\.key) + ["extension", "prefix", "pattern", "action"]))
            let (match, matchNode) = try readMatch(m, item: item, earlier: rules)
            let name: String
            if case .exact(let number) = match { name = "extension \(number)" } else { name = "this entry" }
            guard let actionNode = m["action"] else { throw item.error("\(name) needs 'action'") }
            let action = try actionNode.oneOf(actions)
            for (key, owners) in actionKeys where !owners.contains(action) {
                if let misplaced = m[key] { throw misplaced.error("'\(key)' applies only to \(owners.sorted().joined(separator: " and "))") }
            }
            if !["trunk", "reject", "conference", "park"].contains(action), !(match.isExact) {
                throw matchNode.error("'prefix' and 'pattern' apply only to actions trunk, reject, conference and park; \(action) needs an exact 'extension'")
            }
            var rule = DialplanRule(match: match, target: .echo, line: item.line)
            rule.earlyMediaMilliseconds = try m["early_media_ms"]?.int(in: 0...60_000) ?? 0
            switch action {
            case "playback": rule.target = try readPlayback(m, item: item, config: config, checkFiles: checkFiles)
            case "user": rule.target = try readUserTarget(m, matchNode: matchNode, match: match, config: config)
            case "trunk": rule.target = try readTrunkTarget(m, item: item, config: config)
            case "reject": rule.target = .reject(code: try m["code"]?.int(in: 400...699) ?? 403)
            case "conference": rule.target = .conference(try readConference(m))
            case "agent": rule.target = .agent(name: try readAgentName(m, item: item))
            case "park": rule.target = .park(timeoutSeconds: try m["timeout_s"]?.int(in: 5...3600) ?? 60)
            default: rule.target = .echo
            }
            if case .exact(let number) = match {
                try checkNotShadowingUser(number, action: action, node: matchNode, config: config)
                guard rule.route(for: number) != nil else {
                    throw (m["strip"] ?? item).error("strip removes every digit of \(number), leaving nothing to dial")
                }
            }
            rules.append(rule)
        }
        return rules
    }

    /// The echo and playback entries as ``Extension`` values (what ``dialplan`` holds).
    static func extensions(of rules: [DialplanRule]) -> [Extension] {
        rules.compactMap { rule in
            guard case .exact(let number) = rule.match else { return nil }
            switch rule.target {
            case .echo:
                return Extension(number: number, action: .echo, earlyMediaMilliseconds: rule.earlyMediaMilliseconds, line: rule.line)
            case .playback(let sound, let loop, let hangupAtEnd):
                return Extension(number: number, action: .playback(sound: sound, loop: loop, hangupAtEnd: hangupAtEnd),
                                 earlyMediaMilliseconds: rule.earlyMediaMilliseconds, line: rule.line)
            case .user, .trunk, .reject, .conference, .agent, .park:
                return nil
            }
        }
    }

    /// Exactly one of `extension`, `prefix` and `pattern`, and no repeats of an earlier entry.
    private static func readMatch(_ m: [String: ConfigNode], item: ConfigNode, earlier: [DialplanRule])
        throws(ConfigError) -> (DialplanRule.Match, ConfigNode)
    {
        let given = ["extension", "prefix", "pattern"].compactMap { key in m[key].map { (key, $0) } }
        guard let (key, node) = given.first else {
            throw item.error("an entry needs 'extension' (or 'prefix' or 'pattern' for a trunk)")
        }
        guard given.count == 1 else { throw given[1].1.error("give one of 'extension', 'prefix' and 'pattern', not several") }
        let match: DialplanRule.Match
        switch key {
        case "pattern":
            return (.pattern(try node.pattern()), node)
        case "prefix":
            let prefix = try node.nonEmptyString()
            guard prefix.allSatisfy({ $0.isASCII && ($0.isNumber || "*#+".contains($0)) }) else {
                throw node.error("prefix '\(prefix)' must be digits, '*', '#' or '+'")
            }
            match = .prefix(prefix)
            if earlier.contains(where: { $0.match == match }) { throw node.error("prefix \(prefix) is defined twice") }
        default:
            let number = try node.nonEmptyString()
            guard number.allSatisfy({ $0.isNumber || $0 == "*" || $0 == "#" || $0.isLetter }) else {
                throw node.error("'\(number)' is not a dialable extension (digits, letters, * and #)")
            }
            match = .exact(number)
            if earlier.contains(where: { $0.match == match }) { throw node.error("extension \(number) is defined twice") }
        }
        return (match, node)
    }

    private static func readPlayback(_ m: [String: ConfigNode], item: ConfigNode, config: ParleyConfiguration,
                                     checkFiles: Bool) throws(ConfigError) -> DialplanRule.Target {
        guard let soundNode = m["sound"] else { throw item.error("a playback extension needs 'sound'") }
        let sound = try soundNode.nonEmptyString()
        if checkFiles {
            let file = config.soundFile(sound, sampleRate: 8000)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw soundNode.error("sound '\(sound)' not found (looked for \(file.path))")
            }
        }
        let loop = try m["loop"]?.bool() ?? false
        let hangup = try m["hangup_at_end"]?.bool() ?? !loop
        if loop && hangup { throw (m["hangup_at_end"] ?? item).error("a looping sound never ends: hangup_at_end cannot be true") }
        return .playback(sound: sound, loop: loop, hangupAtEnd: hangup)
    }

    /// `target` (default: the entry's own extension) must be a user.
    private static func readUserTarget(_ m: [String: ConfigNode], matchNode: ConfigNode, match: DialplanRule.Match,
                                       config: ParleyConfiguration) throws(ConfigError) -> DialplanRule.Target {
        let target: String
        let node: ConfigNode
        if let v = m["target"] {
            target = try v.digits(maxLength: 16)
            node = v
        } else if case .exact(let number) = match {
            target = number
            node = matchNode
        } else {
            throw matchNode.error("a user entry needs 'target'")
        }
        guard config.user(target) != nil else {
            throw node.error("no user has extension \(target) (define it under users:)")
        }
        let timeout = try m["ring_timeout_s"]?.int(in: 1...600) ?? defaultRingTimeoutSeconds
        return .user(extension: target, ringTimeoutSeconds: timeout)
    }

    private static func readTrunkTarget(_ m: [String: ConfigNode], item: ConfigNode, config: ParleyConfiguration)
        throws(ConfigError) -> DialplanRule.Target
    {
        guard let trunkNode = m["trunk"] else { throw item.error("a trunk entry needs 'trunk' (a name from trunks:)") }
        let name = try trunkNode.nonEmptyString()
        guard let trunk = config.trunk(named: name) else { throw trunkNode.error(unknownTrunk(name, config)) }
        guard trunk.canSendCalls else {
            throw trunkNode.error("trunk '\(name)' has no registrar, so there is nowhere to send calls on it")
        }
        let strip = try m["strip"]?.int(in: 0...32) ?? 0
        var prepend = ""
        if let v = m["prepend"] {
            prepend = try v.string()
            guard prepend.count <= 32, prepend.allSatisfy({ $0.isASCII && ($0.isNumber || "*#+".contains($0)) }) else {
                throw v.error("prepend '\(prepend)' must be up to 32 digits, '*', '#' or '+'")
            }
        }
        return .trunk(name: name, strip: strip, prepend: prepend)
    }

    private static func readConference(_ m: [String: ConfigNode]) throws(ConfigError) -> ConferenceSettings {
        var settings = ConferenceSettings()
        if let v = m["room"] {
            let room = try v.nonEmptyString()
            guard room.count <= 64, room.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw v.error("room '\(room)' must be up to 64 letters, digits, '-', '_' or '.'")
            }
            settings.room = room
        }
        for (key, path) in [("pin", \ConferenceSettings.pin), ("moderator_pin", \ConferenceSettings.moderatorPIN)] {
            guard let v = m[key] else { continue }
            let pin = try v.nonEmptyString()
            guard pin.count <= 16, pin.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw v.error("\(key) must be 1 to 16 digits") }
            settings[keyPath: path] = pin
        }
        if let pin = settings.pin, pin == settings.moderatorPIN, let v = m["moderator_pin"] {
            throw v.error("moderator_pin must differ from pin")
        }
        settings.maxMembers = try m["max_members"]?.int(in: 2...1000) ?? 50
        settings.endWithModerator = try m["end_with_moderator"]?.bool() ?? false
        if settings.endWithModerator, settings.moderatorPIN == nil, let v = m["end_with_moderator"] {
            throw v.error("end_with_moderator needs a moderator_pin (otherwise nobody is a moderator)")
        }
        settings.record = try m["record"]?.bool() ?? false
        if let v = m["rate"] {
            let rate = try v.int(in: 8000...48000)
            guard [8000, 16000, 48000].contains(rate) else { throw v.error("rate must be 8000, 16000 or 48000") }
            settings.sampleRate = rate
        }
        settings.tones = try m["tones"]?.bool() ?? true
        return settings
    }

    /// `agent:` names a definition in the agents folder (checked against it when the agents load).
    private static func readAgentName(_ m: [String: ConfigNode], item: ConfigNode) throws(ConfigError) -> String {
        guard let v = m["agent"] else { throw item.error("an agent entry needs 'agent' (the name of a file's agent in the agents folder)") }
        let name = try v.nonEmptyString()
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
            throw v.error("agent name '\(name)' must be up to 64 letters, digits, '-' or '_'")
        }
        return name
    }

    /// A user's extension rings the user; an entry may reuse it only to ring a user.
    private static func checkNotShadowingUser(_ number: String, action: String, node: ConfigNode,
                                              config: ParleyConfiguration) throws(ConfigError) {
        guard action != "user", let user = config.user(number) else { return }
        let fix = user.isDemo ? "pick another extension or set demo_users: false" : "pick another extension"
        throw node.error("extension \(number) is \(user.isDemo ? "demo " : "")user \(number)'s own; only action user may reuse it (\(fix))")
    }
}

extension ParleyConfiguration.DialplanRule.Match {
    var isExact: Bool {
        if case .exact = self { return true }
        return false
    }
}
