import Agent
import Control
import Foundation
import ParleyConfig

/// The control API's ``AgentCatalogControl`` over the agents' ``AgentCatalog``: the loaded
/// definitions with their stored versions, and a dry-run parse of a definition file whose
/// resources are read from the agents folder (never above it).
struct AgentCatalogAdapter: AgentCatalogControl {
    let catalog: AgentCatalog

    func agents() async throws(ControlError) -> [AgentSummary] {
        let versions: [AgentVersionInfo]
        do {
            versions = try catalog.versions()
        } catch {
            throw .internalError("reading agent versions: \(error)")
        }
        let byName = Dictionary(grouping: versions, by: \.name)
        return catalog.names.compactMap { name in
            guard let current = catalog.current(named: name) else { return nil }
            let stored = (byName[name] ?? []).sorted { $0.storedAtMilliseconds > $1.storedAtMilliseconds }.map { info in
                AgentVersionSummary(version: info.version,
                                    loadedAt: Date(timeIntervalSince1970: Double(info.storedAtMilliseconds) / 1000),
                                    source: info.source)
            }
            return AgentSummary(name: name, description: current.description.isEmpty ? nil : current.description,
                                currentVersion: current.version, versions: stored)
        }
    }

    func validate(_ source: AgentDefinitionText) async throws(ControlError) -> AgentValidationReport {
        let folder = catalog.directory
        let file = source.fileName ?? "definition.yaml"
        do {
            let loaded = try AgentDefinitionLoader.parseVersion(source.content, file: file) { relative in
                guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else { return nil }
                return try? String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
            }
            return AgentValidationReport(valid: true, name: loaded.definition.name, version: loaded.definition.version)
        } catch {
            return AgentValidationReport(valid: false, problems: [AgentProblem(message: error.reason, line: error.line)])
        }
    }
}
