import Foundation
import ParleyConfig
import Yams

/// A YAML node with its file, line and dotted path, and typed readers that fail with
/// `file:line: path: reason` (``ConfigError``). Mappings are checked for unknown keys. The
/// Agent module's counterpart of ParleyConfig's internal node type.
struct AgentConfigNode {
    let node: Node
    let file: String
    let path: String
    /// The line of the key this value belongs to: a nested mapping or list starts on the next
    /// line, but problems with it are reported where its key is.
    var keyLine: Int?

    init(node: Node, file: String, path: String, keyLine: Int? = nil) {
        self.node = node
        self.file = file
        self.path = path
        self.keyLine = keyLine
    }

    var line: Int? {
        switch node {
        case .mapping, .sequence: keyLine ?? node.mark?.line
        default: node.mark?.line
        }
    }

    func error(_ reason: String) -> ConfigError {
        ConfigError(file: file, line: line, reason: path.isEmpty ? reason : "\(path): \(reason)")
    }

    /// The mapping's entries after checking that every key is one of `allowed`.
    func mapping(allowed: Set<String>) throws(ConfigError) -> [String: AgentConfigNode] {
        guard case .mapping(let map) = node else { throw error("expected a mapping (key: value lines)") }
        var result: [String: AgentConfigNode] = [:]
        for (keyNode, value) in map {
            guard case .scalar(let key) = keyNode else {
                throw AgentConfigNode(node: keyNode, file: file, path: path).error("keys must be plain words")
            }
            let childPath = path.isEmpty ? key.string : "\(path).\(key.string)"
            guard allowed.contains(key.string) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw AgentConfigNode(node: keyNode, file: file, path: "")
                    .error("unknown key '\(childPath)' (expected one of: \(known))")
            }
            guard result[key.string] == nil else {
                throw AgentConfigNode(node: keyNode, file: file, path: "").error("duplicate key '\(childPath)'")
            }
            result[key.string] = AgentConfigNode(node: value, file: file, path: childPath, keyLine: keyNode.mark?.line)
        }
        return result
    }

    /// A mapping with free-form keys (variables, headers, global data), in file order.
    func entries() throws(ConfigError) -> [(key: String, node: AgentConfigNode)] {
        guard case .mapping(let map) = node else { throw error("expected a mapping (key: value lines)") }
        var result: [(String, AgentConfigNode)] = []
        var seen: Set<String> = []
        for (keyNode, value) in map {
            guard case .scalar(let key) = keyNode, !key.string.isEmpty else {
                throw AgentConfigNode(node: keyNode, file: file, path: path).error("keys must be plain words")
            }
            guard seen.insert(key.string).inserted else {
                throw AgentConfigNode(node: keyNode, file: file, path: "").error("duplicate key '\(path).\(key.string)'")
            }
            result.append((key.string, AgentConfigNode(node: value, file: file, path: "\(path).\(key.string)",
                                                       keyLine: keyNode.mark?.line)))
        }
        return result
    }

    func sequence() throws(ConfigError) -> [AgentConfigNode] {
        guard case .sequence(let items) = node else { throw error("expected a list") }
        return items.enumerated().map { AgentConfigNode(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard text.contains(where: { !$0.isWhitespace }) else { throw error("must not be empty") }
        return text
    }

    func stringList() throws(ConfigError) -> [String] {
        var out: [String] = []
        for item in try sequence() { out.append(try item.nonEmptyString()) }
        return out
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw error("expected a whole number")
        }
        guard range.contains(value) else {
            throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number")
        }
        guard range.contains(value) else { throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func bool() throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(scalar.string)'")
        }
    }

    func oneOf(_ choices: [String]) throws(ConfigError) -> String {
        let text = try string()
        guard choices.contains(text) else { throw error("'\(text)' is not one of: \(choices.joined(separator: ", "))") }
        return text
    }

    /// A duration: "8s", "500ms", "2m", "1h", or a plain number of seconds.
    func duration(in range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        let text = try nonEmptyString().trimmingCharacters(in: .whitespaces)
        guard let value = Self.parseDuration(text) else {
            throw error("'\(text)' is not a duration (use 500ms, 8s, 2m or 1h)")
        }
        guard range.contains(value) else { throw error("\(text) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            // "ms" ends in "s": only take "s" when the rest is a number.
            guard let value = Double(number), value.isFinite, value >= 0 else { continue }
            return milliseconds(value * scale * 1000)
        }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
        return milliseconds(seconds * 1000)
    }

    /// Nil beyond about 30,000 years, so huge numbers are an error rather than a trap.
    private static func milliseconds(_ value: Double) -> Duration? {
        guard value.isFinite, value >= 0, value < 1e15 else { return nil }
        return .milliseconds(Int64(value.rounded()))
    }

    /// An absolute http or https URL with a host.
    func httpURL() throws(ConfigError) -> String {
        let text = try nonEmptyString().trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, !text.contains(" ") else {
            throw error("'\(text)' is not an http(s) URL")
        }
        return text
    }

    /// The node as a JSON value: plain scalars become numbers, booleans or null when they read
    /// as such; quoted scalars stay text.
    func json(depth: Int = 0) throws(ConfigError) -> JSONValue {
        guard depth < 32 else { throw error("nested too deeply") }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            let text = scalar.string
            if isNull { return .null }
            if ["true", "false"].contains(text.lowercased()) { return .bool(text.lowercased() == "true") }
            if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" }) == true {
                return .number(number)
            }
            return .string(text)
        case .mapping:
            var members: [String: JSONValue] = [:]
            for (key, child) in try entries() { members[key] = try child.json(depth: depth + 1) }
            return .object(members)
        case .sequence:
            var items: [JSONValue] = []
            for child in try sequence() { items.append(try child.json(depth: depth + 1)) }
            return .array(items)
        case .alias:
            throw error("YAML aliases are not supported here")
        }
    }
}
