import Foundation
import Logging
import ParleyConfig

/// Finds agent definitions by version; the catalog is one, tests may supply others.
public protocol AgentDefinitionSource: Sendable {
    /// Any version ever loaded, by content hash; nil if unknown.
    func definition(version: String) throws(AgentCatalogError) -> AgentDefinition?
}

/// What a reload did.
public struct AgentReloadReport: Sendable, Equatable {
    /// Current version of every agent, by name.
    public var current: [String: String] = [:]
    /// Agents whose version changed (or that are new).
    public var changed: [String] = []
    /// Agents whose file went away.
    public var removed: [String] = []
    /// Files that failed to load; the agents they held keep their previous version.
    public var failed: [ConfigError] = []
}

/// The agents in `conf/agents/`: the current definition of each by name (or extension), any
/// version ever loaded by its hash, and every stored version. Each loaded version is stored
/// immutably in SQLite. ``reload()`` picks up changed files for new calls only: a running
/// conversation keeps the version pinned in its input.
public final class AgentCatalog: AgentDefinitionSource, Sendable {
    public let directory: URL
    private let store: AgentVersionStore
    private let now: @Sendable () -> Date
    private let logger: Logger

    private struct State {
        var current: [String: AgentDefinition] = [:]
        /// Which file each current agent came from.
        var sources: [String: String] = [:]
        var byVersion: [String: AgentDefinition] = [:]
    }

    private let state = AgentLock(State())

    /// Opens the catalog's store; call ``reload()`` to read the files.
    public init(directory: URL, databasePath: String, now: @escaping @Sendable () -> Date = Date.init,
                logger: Logger = Logger(label: "parley.agent.catalog")) throws(AgentCatalogError) {
        self.directory = directory
        self.store = try AgentVersionStore(path: databasePath)
        self.now = now
        self.logger = logger
    }

    /// Reads every `*.yaml` / `*.yml` file in the directory, stores new versions and makes
    /// them current. A file that fails keeps its agents' previous version and is reported.
    @discardableResult
    public func reload() -> AgentReloadReport {
        var report = AgentReloadReport()
        let files = yamlFiles()
        var loaded: [(path: String, version: AgentDefinitionLoader.LoadedVersion)] = []
        var failedPaths: Set<String> = []
        for path in files {
            do {
                loaded.append((path, try AgentDefinitionLoader.loadVersion(path: path)))
            } catch {
                report.failed.append(error)
                failedPaths.insert(path)
            }
        }
        var next: [String: AgentDefinition] = [:]
        var sources: [String: String] = [:]
        var extensions: [String: String] = [:]
        for (path, version) in loaded {
            let definition = version.definition
            if let other = sources[definition.name] {
                report.failed.append(ConfigError(file: path, line: nil,
                                                 reason: "agent name '\(definition.name)' is already used by \(other)"))
                continue
            }
            if let number = definition.extensionNumber, let other = extensions[number] {
                report.failed.append(ConfigError(file: path, line: nil,
                                                 reason: "extension \(number) is already agent '\(other)'"))
                continue
            }
            do {
                try store.save(version, at: Int64(now().timeIntervalSince1970 * 1000))
            } catch {
                report.failed.append(ConfigError(file: path, line: nil, reason: error.description))
                continue
            }
            next[definition.name] = definition
            sources[definition.name] = path
            if let number = definition.extensionNumber { extensions[number] = definition.name }
        }
        state.withLock { state in
            // Agents from files that failed this time stay as they were.
            for (name, source) in state.sources where failedPaths.contains(source) && next[name] == nil {
                next[name] = state.current[name]
                sources[name] = source
            }
            for (name, definition) in next where state.current[name]?.version != definition.version {
                report.changed.append(name)
            }
            report.removed = state.current.keys.filter { next[$0] == nil }.sorted()
            for definition in next.values { state.byVersion[definition.version] = definition }
            state.current = next
            state.sources = sources
        }
        report.changed.sort()
        report.current = next.mapValues(\.version)
        for error in report.failed { logger.error("agent definition not loaded", metadata: ["error": "\(error)"]) }
        logger.info("agents loaded", metadata: [
            "agents": "\(next.count)", "changed": "\(report.changed)", "failed": "\(report.failed.count)",
        ])
        return report
    }

    private func yamlFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    /// The current definition of an agent.
    public func current(named name: String) -> AgentDefinition? {
        state.withLock { $0.current[name] }
    }

    /// The current agent that answers an extension.
    public func current(forExtension number: String) -> AgentDefinition? {
        state.withLock { state in state.current.values.first { $0.extensionNumber == number } }
    }

    /// Names of the current agents, sorted.
    public var names: [String] {
        state.withLock { $0.current.keys.sorted() }
    }

    /// Every stored version of an agent (or of all agents), oldest first.
    public func versions(of name: String? = nil) throws(AgentCatalogError) -> [AgentVersionInfo] {
        try store.versions(of: name)
    }

    /// Any version ever stored, rebuilt from the database when it is not in memory.
    public func definition(version: String) throws(AgentCatalogError) -> AgentDefinition? {
        if let known = state.withLock({ $0.byVersion[version] }) { return known }
        guard let stored = try store.load(version: version) else { return nil }
        let files = Dictionary(stored.files.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
        let definition: AgentDefinition
        do {
            definition = try AgentDefinitionLoader.parse(stored.text, file: stored.source) { files[$0] }
        } catch {
            throw .corrupt(version: version, detail: error.description)
        }
        guard definition.version == version else {
            throw .corrupt(version: version, detail: "rebuilds to \(definition.version)")
        }
        state.withLock { $0.byVersion[version] = definition }
        return definition
    }
}
