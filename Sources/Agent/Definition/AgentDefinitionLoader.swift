import Foundation
import ParleyConfig
import Workflow
import Yams

/// Reads and validates agent definition files. Every problem is a ``ConfigError`` with the
/// file, the line and the reason: unknown keys, wrong types, bad durations, URLs, patterns and
/// placeholders, tools an intent names but nobody defines, resource files that are missing.
///
/// The same parser serves files on disk and versions stored in the catalog: resources come
/// from a lookup function, the file system's or the stored copies.
public enum AgentDefinitionLoader {
    /// Finds a resource's text by its path relative to the definition file; nil if missing.
    public typealias ResourceLookup = (String) -> String?

    static let topKeys: Set<String> = [
        "name", "description", "extension", "language", "voice", "variables", "prompts", "tools", "intents",
        "resources", "jobs", "timeouts", "barge_in", "providers", "digits_private", "digits_end_turn",
        "address_name", "global_data",
    ]

    /// One version of an agent file as loaded: the definition, and exactly what its hash
    /// covers (the normalised text and every file it read), which the catalog stores.
    public struct LoadedVersion: Sendable, Equatable {
        public var definition: AgentDefinition
        public var normalizedText: String
        public var files: [AgentResource]
    }

    /// Loads a definition file and the resources it names (relative to its folder).
    public static func load(path: String) throws(ConfigError) -> AgentDefinition {
        try loadVersion(path: path).definition
    }

    /// Loads a definition file with what the catalog stores of it.
    public static func loadVersion(path: String) throws(ConfigError) -> LoadedVersion {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, reason: "cannot read the file (\(error.localizedDescription))")
        }
        let folder = url.deletingLastPathComponent()
        return try parseVersion(text, file: path) { relative in
            guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else { return nil }
            return try? String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
        }
    }

    /// Validates definition text; `resource` supplies the files it names.
    public static func parse(_ text: String, file: String, resource: @escaping ResourceLookup) throws(ConfigError) -> AgentDefinition {
        try parseVersion(text, file: file, resource: resource).definition
    }

    public static func parseVersion(_ text: String, file: String,
                                    resource: @escaping ResourceLookup) throws(ConfigError) -> LoadedVersion {
        let normalized = normalize(text)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: normalized) else {
                throw ConfigError(file: file, line: 1, reason: "the file is empty")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file, text: normalized)
        } catch {
            throw ConfigError(file: file, line: nil, reason: "not valid YAML: \(error)")
        }
        let top = try AgentConfigNode(node: root, file: file, path: "").mapping(allowed: topKeys)
        var reader = DefinitionReader(file: file, top: top, root: AgentConfigNode(node: root, file: file, path: ""),
                                      resource: resource)
        var definition = try reader.read()
        definition.version = contentHash(normalized, resources: reader.hashedResources)
        return LoadedVersion(definition: definition, normalizedText: normalized, files: reader.hashedResources)
    }

    /// Line endings unified, trailing blanks dropped, one final newline: edits that change
    /// nothing a reader sees do not make a new version.
    public static func normalize(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = unified.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var end = line.endIndex
            while end > line.startIndex, let last = line[..<end].last, last == " " || last == "\t" {
                end = line.index(before: end)
            }
            return line[..<end]
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// sha256 over the normalised file and every resource (sorted by path, each normalised).
    public static func contentHash(_ normalizedText: String, resources: [AgentResource]) -> String {
        var hasher = SHA256()
        hasher.update("parley-agent/1\n")
        hasher.update(normalizedText)
        for resource in resources.sorted(by: { $0.path < $1.path }) {
            hasher.update([0])
            hasher.update(resource.path)
            hasher.update([0])
            hasher.update(resource.text)
        }
        return SHA256.hexString(hasher.finalize())
    }

    private static func yamlError(_ error: YamlError, file: String, text: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, reason: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            return ConfigError(file: file, line: secondLine(declaring: key, in: text) ?? context.mark.line,
                               reason: "duplicate key '\(key)'")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in text.utf8.prefix(max(0, offset)).filter { $0 == 0x0A }.count + 1 }
            return ConfigError(file: file, line: line, reason: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: file, line: nil, reason: "not valid YAML: \(error)")
        }
    }

    /// The line where `key:` is written the second time (Yams names duplicates, not where).
    private static func secondLine(declaring key: String, in text: String) -> Int? {
        var seen = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line.drop(while: { $0 == " " })
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop(while: { $0 == " " }) }
            guard rest.hasPrefix(key) else { continue }
            let after = rest.dropFirst(key.count).drop(while: { $0 == " " })
            guard after.hasPrefix(":") else { continue }
            seen += 1
            if seen == 2 { return index + 1 }
        }
        return nil
    }
}
