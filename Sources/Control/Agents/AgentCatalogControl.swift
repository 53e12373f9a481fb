import Foundation

/// What the control plane needs from the agent definitions (`conf/agents/*.yaml`): the agents
/// and their stored versions, and a dry-run validation of a definition file. The composition
/// root adapts the Agent module to it; Control never imports that module.
public protocol AgentCatalogControl: Sendable {
    /// Every agent, each with the versions stored for it (newest first).
    func agents() async throws(ControlError) -> [AgentSummary]
    /// Checks a definition without storing or activating it. Problems in the file are part of
    /// the report (`valid: false`), not errors.
    func validate(_ source: AgentDefinitionText) async throws(ControlError) -> AgentValidationReport
}

extension AgentCatalogControl {
    /// The agent whose versions include `version`, if any.
    public func agent(forVersion version: String) async throws(ControlError) -> AgentSummary? {
        try await agents().first { agent in agent.versions.contains { $0.version == version } }
    }
}

extension ControlError {
    public static func unknownAgent(_ name: String) -> ControlError {
        ControlError(statusCode: 404, code: .unknownAgent, message: "no agent \(name)")
    }
}
