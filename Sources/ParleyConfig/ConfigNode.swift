import Foundation
import Yams

/// A YAML node with its file and line, and typed accessors that fail with `file:line: reason`.
/// Mappings are checked for unknown keys: every key must be read or explicitly allowed.
struct ConfigNode {
    let node: Node
    let file: String
    let path: String

    var line: Int? { node.mark?.line }

    func error(_ reason: String) -> ConfigError {
        ConfigError(file: file, line: line, reason: path.isEmpty ? reason : "\(path): \(reason)")
    }

    /// The mapping's entries, after checking every key is one of `allowed`.
    func mapping(allowed: Set<String>) throws(ConfigError) -> [String: ConfigNode] {
        guard case .mapping(let map) = node else { throw error("expected a mapping (key: value lines)") }
        var result: [String: ConfigNode] = [:]
        for (keyNode, value) in map {
            guard case .scalar(let key) = keyNode else {
                throw ConfigNode(node: keyNode, file: file, path: path).error("keys must be plain words")
            }
            let childPath = path.isEmpty ? key.string : "\(path).\(key.string)"
            guard allowed.contains(key.string) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw ConfigNode(node: keyNode, file: file, path: "").error("unknown key '\(childPath)' (expected one of: \(known))")
            }
            guard result[key.string] == nil else {
                throw ConfigNode(node: keyNode, file: file, path: "").error("duplicate key '\(childPath)'")
            }
            result[key.string] = ConfigNode(node: value, file: file, path: childPath)
        }
        return result
    }

    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let seq) = node else { throw error("expected a list") }
        return seq.enumerated().map { ConfigNode(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let s = try string()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return s
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

    func bool() throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(scalar.string)'")
        }
    }

    func oneOf(_ choices: [String]) throws(ConfigError) -> String {
        let s = try string()
        guard choices.contains(s) else { throw error("'\(s)' is not one of: \(choices.joined(separator: ", "))") }
        return s
    }

    func stringList() throws(ConfigError) -> [String] {
        var out: [String] = []
        for item in try sequence() { out.append(try item.nonEmptyString()) }
        return out
    }

    /// A value whose text is one of `E`'s raw values.
    func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws(ConfigError) -> E where E.RawValue == String {
        let text = try oneOf(E.allCases.map(\.rawValue))
        guard let value = E(rawValue: text) else { throw error("'\(text)' is not allowed here") }
        return value
    }

    /// Digits only (an extension or a number), at most `maxLength` of them.
    func digits(maxLength: Int = 32) throws(ConfigError) -> String {
        let s = try nonEmptyString()
        guard s.count <= maxLength, s.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw error("'\(s)' must be 1 to \(maxLength) digits")
        }
        return s
    }

    /// A network or address (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`).
    func network() throws(ConfigError) -> IPNetwork {
        let s = try nonEmptyString()
        do {
            return try IPNetwork(parsing: s)
        } catch {
            throw self.error(error.description)
        }
    }

    func networkList() throws(ConfigError) -> [IPNetwork] {
        var out: [IPNetwork] = []
        for item in try sequence() { out.append(try item.network()) }
        return out
    }

    /// A codec preference list of known codecs, spelled as ``ParleyConfiguration/supportedCodecs`` spells them.
    func codecList() throws(ConfigError) -> [String] {
        var out: [String] = []
        for item in try sequence() {
            let name = try item.nonEmptyString()
            guard let known = ParleyConfiguration.supportedCodecs.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw item.error("unsupported codec '\(name)' (supported: \(ParleyConfiguration.supportedCodecs.joined(separator: ", ")))")
            }
            guard !out.contains(known) else { throw item.error("codec '\(name)' is listed twice") }
            out.append(known)
        }
        guard !out.isEmpty else { throw error("name at least one codec") }
        return out
    }

    /// A regular expression that must match a whole number (anchoring is added).
    func pattern() throws(ConfigError) -> NumberPattern {
        let s = try nonEmptyString()
        guard let pattern = NumberPattern(s) else { throw error("'\(s)' is not a valid regular expression") }
        return pattern
    }
}

