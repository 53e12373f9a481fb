import Foundation

extension ParleyConfiguration {
    static let actions = ["echo", "playback"]

    static func readDialplan(_ n: ConfigNode, config: ParleyConfiguration, checkFiles: Bool)
        throws(ConfigError) -> [Extension]
    {
        var result: [Extension] = []
        var seen: Set<String> = []
        for item in try n.sequence() {
            let m = try item.mapping(allowed: ["extension", "action", "sound", "loop", "hangup_at_end", "early_media_ms"])
            guard let numberNode = m["extension"] else { throw item.error("an entry needs 'extension'") }
            let number = try numberNode.nonEmptyString()
            guard number.allSatisfy({ $0.isNumber || $0 == "*" || $0 == "#" || $0.isLetter }) else {
                throw numberNode.error("'\(number)' is not a dialable extension (digits, letters, * and #)")
            }
            guard seen.insert(number).inserted else { throw numberNode.error("extension \(number) is defined twice") }
            guard let actionNode = m["action"] else { throw item.error("extension \(number) needs 'action'") }
            let actionName = try actionNode.oneOf(actions)
            let early = try m["early_media_ms"]?.int(in: 0...60_000) ?? 0
            let action: Action
            switch actionName {
            case "playback":
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
                action = .playback(sound: sound, loop: loop, hangupAtEnd: hangup)
            default:
                for key in ["sound", "loop", "hangup_at_end"] {
                    if let misplaced = m[key] { throw misplaced.error("'\(key)' applies only to playback") }
                }
                action = .echo
            }
            result.append(Extension(number: number, action: action, earlyMediaMilliseconds: early, line: item.line))
        }
        return result
    }
}
