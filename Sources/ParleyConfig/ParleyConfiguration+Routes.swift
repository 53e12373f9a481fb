import Foundation

extension ParleyConfiguration {
    /// Where a dialled number goes, after the dialplan's strip and prepend are applied.
    public enum Route: Sendable, Equatable {
        case echo
        case playback(sound: String, loop: Bool, hangupAtEnd: Bool)
        /// Ring every registered contact of this user for up to `ringTimeoutSeconds`.
        case user(extension: String, ringTimeoutSeconds: Int)
        /// Send the call out on the named trunk to `number`.
        case trunk(name: String, number: String)
        /// Refuse the call with this final status (RFC 3261 §21: 4xx-6xx).
        case reject(code: Int)
        /// Join the conference room `room` (the dialled number unless the entry names one).
        case conference(room: String, ConferenceSettings)
        /// Answered by the AI agent defined as `name` in the agents folder.
        case agent(name: String)
        /// Parking slot `slot` (the dialled number): a call transferred here waits with hold
        /// music, a call dialling it picks the parked call up; after `timeoutSeconds` the parked
        /// call rings whoever parked it.
        case park(slot: String, timeoutSeconds: Int)
    }

    /// A `conference` dialplan entry: who may join a room and how it behaves.
    public struct ConferenceSettings: Sendable, Equatable {
        /// The room's name; nil: the dialled number (so a prefix or pattern makes a range of rooms).
        public var room: String?
        /// Digits a caller must enter (then #) to join; nil: no PIN.
        public var pin: String?
        /// Digits that join as a moderator.
        public var moderatorPIN: String?
        public var maxMembers: Int = 50
        /// When the last moderator leaves, everyone else is hung up.
        public var endWithModerator = false
        /// Record the room's mix to `<data_dir>/recordings/`.
        public var record = false
        /// The mixing rate: 8000, 16000 or 48000.
        public var sampleRate = 16000
        /// Join and leave tones.
        public var tones = true

        public init() {}
    }

    /// One `dialplan:` entry: what it matches and where it sends the call.
    public struct DialplanRule: Sendable, Equatable {
        public enum Match: Sendable, Equatable {
            /// `extension:` the whole dialled number.
            case exact(String)
            /// `prefix:` numbers starting with it; the longest matching prefix wins.
            case prefix(String)
            /// `pattern:` a regular expression matching the whole number; tried in file order.
            case pattern(NumberPattern)
        }

        public enum Target: Sendable, Equatable {
            case echo
            case playback(sound: String, loop: Bool, hangupAtEnd: Bool)
            case user(extension: String, ringTimeoutSeconds: Int)
            /// Remove `strip` leading characters, put `prepend` in front, send out on trunk `name`.
            case trunk(name: String, strip: Int, prepend: String)
            case reject(code: Int)
            case conference(ConferenceSettings)
            /// The agent named `name` (a file in the agents folder) answers.
            case agent(name: String)
            /// A parking slot (each number the entry matches is one slot).
            case park(timeoutSeconds: Int)
        }

        public var match: Match
        public var target: Target
        /// Milliseconds of 183 early media before answering (echo and playback only).
        public var earlyMediaMilliseconds: Int
        public var line: Int?

        public init(match: Match, target: Target, earlyMediaMilliseconds: Int = 0, line: Int? = nil) {
            self.match = match
            self.target = target
            self.earlyMediaMilliseconds = earlyMediaMilliseconds
            self.line = line
        }

        /// Whether this entry matches `dialled` (before any strip or prepend).
        public func matches(_ dialled: String) -> Bool {
            switch match {
            case .exact(let number): return dialled == number
            case .prefix(let prefix): return dialled.hasPrefix(prefix)
            case .pattern(let pattern): return pattern.matches(dialled)
            }
        }

        /// The route for a number this entry matched; nil when stripping leaves no number to dial.
        public func route(for dialled: String) -> Route? {
            switch target {
            case .echo:
                return .echo
            case .playback(let sound, let loop, let hangupAtEnd):
                return .playback(sound: sound, loop: loop, hangupAtEnd: hangupAtEnd)
            case .user(let number, let timeout):
                return .user(extension: number, ringTimeoutSeconds: timeout)
            case .trunk(let name, let strip, let prepend):
                guard strip <= dialled.count else { return nil }
                let number = prepend + dialled.dropFirst(strip)
                return number.isEmpty ? nil : .trunk(name: name, number: number)
            case .reject(let code):
                return .reject(code: code)
            case .conference(let settings):
                return .conference(room: settings.room ?? dialled, settings)
            case .agent(let name):
                return .agent(name: name)
            case .park(let timeout):
                return .park(slot: dialled, timeoutSeconds: timeout)
            }
        }
    }

    /// One `inbound:` entry: calls to a DID (on one trunk, or on any) go to an extension.
    public struct InboundRule: Sendable, Equatable {
        public enum DID: Sendable, Equatable {
            case exact(String)
            case pattern(NumberPattern)
        }

        public var did: DID
        /// The trunk the call must arrive on; nil for any trunk.
        public var trunk: String?
        /// The extension the call is routed to, as if dialled (see ``ParleyConfiguration/route(for:)``).
        public var destination: String
        public var line: Int?

        public init(did: DID, trunk: String? = nil, destination: String, line: Int? = nil) {
            self.did = did
            self.trunk = trunk
            self.destination = destination
            self.line = line
        }
    }

    /// Ring time for a user reached by dialling their extension, or by `action: user` without `ring_timeout_s`.
    public static let defaultRingTimeoutSeconds = 30

    /// Where `dialled` goes. An exact `extension` entry wins; then a user's own extension; then
    /// the longest matching `prefix`; then `pattern` entries in file order. Nil when nothing matches.
    public func route(for dialled: String) -> Route? {
        guard !dialled.isEmpty else { return nil }
        if let rule = dialplanRules.first(where: { $0.match == .exact(dialled) }) {
            return rule.route(for: dialled)
        }
        if user(dialled) != nil {
            return .user(extension: dialled, ringTimeoutSeconds: Self.defaultRingTimeoutSeconds)
        }
        let prefixed = dialplanRules.compactMap { rule -> (length: Int, rule: DialplanRule)? in
            guard case .prefix(let prefix) = rule.match, dialled.hasPrefix(prefix) else { return nil }
            return (prefix.count, rule)
        }
        // Prefixes are unique, so lengths never tie.
        for candidate in prefixed.sorted(by: { $0.length > $1.length }) {
            if let route = candidate.rule.route(for: dialled) { return route }
        }
        for rule in dialplanRules {
            guard case .pattern(let pattern) = rule.match, pattern.matches(dialled) else { continue }
            if let route = rule.route(for: dialled) { return route }
        }
        return nil
    }

    /// The extension a call to `did` arriving on trunk `trunk` is routed to. An exact DID wins
    /// (one naming this trunk over one for any trunk); then patterns in file order.
    public func inboundRoute(trunk: String, did: String) -> String? {
        let candidates = inbound.filter { $0.trunk == nil || $0.trunk == trunk }
        let exact = candidates.filter { $0.did == .exact(did) }
        if let rule = exact.first(where: { $0.trunk == trunk }) ?? exact.first {
            return rule.destination
        }
        return candidates.first { rule in
            guard case .pattern(let pattern) = rule.did else { return false }
            return pattern.matches(did)
        }?.destination
    }

    static func readInbound(_ n: ConfigNode, config: ParleyConfiguration) throws(ConfigError) -> [InboundRule] {
        var result: [InboundRule] = []
        for item in try n.sequence() {
            let m = try item.mapping(allowed: ["did", "pattern", "trunk", "extension"])
            let did: InboundRule.DID
            switch (m["did"], m["pattern"]) {
            case (.some(let v), nil):
                let number = try v.nonEmptyString()
                let digits = number.hasPrefix("+") ? number.dropFirst() : Substring(number)
                guard (1...32).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw v.error("DID '\(number)' must be digits, optionally after a '+' (use 'pattern' for anything else)")
                }
                did = .exact(number)
            case (nil, .some(let v)):
                did = .pattern(try v.pattern())
            case (.some, .some(let v)):
                throw v.error("give 'did' or 'pattern', not both")
            case (nil, nil):
                throw item.error("an inbound entry needs 'did' (a number) or 'pattern' (a regular expression)")
            }
            var rule = InboundRule(did: did, destination: "", line: item.line)
            if let v = m["trunk"] {
                let name = try v.nonEmptyString()
                guard config.trunk(named: name) != nil else { throw v.error(unknownTrunk(name, config)) }
                rule.trunk = name
            }
            guard let destination = m["extension"] else { throw item.error("an inbound entry needs 'extension' (where the call goes)") }
            rule.destination = try destination.nonEmptyString()
            guard config.route(for: rule.destination) != nil else {
                throw destination.error("extension \(rule.destination) is neither in the dialplan nor a user")
            }
            if case .exact(let number) = did, result.contains(where: { $0.did == did && $0.trunk == rule.trunk }) {
                throw (m["did"] ?? item).error("DID \(number) is mapped twice for \(rule.trunk.map { "trunk '\($0)'" } ?? "any trunk")")
            }
            result.append(rule)
        }
        return result
    }

    static func unknownTrunk(_ name: String, _ config: ParleyConfiguration) -> String {
        let known = config.trunks.map(\.name)
        return "no trunk is named '\(name)' (" + (known.isEmpty ? "no trunks are defined)" : "defined: \(known.joined(separator: ", ")))")
    }
}

/// A regular expression (ICU syntax) that must match a whole number: `9[0-9]{7,}` matches
/// `912345678` but not `0912345678`. Equal when their texts are equal.
public struct NumberPattern: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    private let regex: NSRegularExpression

    /// Nil when `source` is not a valid regular expression.
    public init?(_ source: String) {
        // Compile alone first, so a text like `1)|(2` cannot escape the anchoring group below.
        guard (try? NSRegularExpression(pattern: source)) != nil,
              let anchored = try? NSRegularExpression(pattern: "\\A(?:\(source))\\z") else { return nil }
        self.source = source
        self.regex = anchored
    }

    public func matches(_ number: String) -> Bool {
        regex.firstMatch(in: number, range: NSRange(number.startIndex..., in: number)) != nil
    }

    public var description: String { source }

    public static func == (lhs: NumberPattern, rhs: NumberPattern) -> Bool { lhs.source == rhs.source }
}
