import Foundation
import Logging

/// Picks the brain for an agent version.
public protocol AgentBrainProvider: Sendable {
    func brain(for definition: AgentDefinition) throws(BrainError) -> any AgentBrain
}

/// The brains a definition's `providers.brain` names: the scripted brain, or an
/// OpenAI-compatible one (hedged with a second endpoint when configured). Built once per
/// version and kept, since a version never changes.
public final class StandardBrainProvider: AgentBrainProvider {
    private let http: AgentHTTPClient?
    private let environment: [String: String]
    private let logger: Logger
    private let metrics: AgentMetrics
    private let cache = AgentLock<[String: any AgentBrain]>([:])

    /// - Parameters:
    ///   - http: needed for OpenAI-compatible brains; scripted agents work without.
    ///   - metrics: where model brains record their latency and errors.
    public init(http: AgentHTTPClient?, environment: [String: String] = ProcessInfo.processInfo.environment,
                metrics: AgentMetrics = .disabled, logger: Logger = Logger(label: "parley.agent.brain")) {
        self.http = http
        self.metrics = metrics
        self.environment = environment
        self.logger = logger
    }

    public func brain(for definition: AgentDefinition) throws(BrainError) -> any AgentBrain {
        if let cached = cache.withLock({ $0[definition.version] }) { return cached }
        let brain: any AgentBrain
        switch definition.providers.brain {
        case .scripted:
            brain = ScriptedBrain(definition: definition)
        case .openAI(let endpoint, let hedge):
            guard let http else { throw .misconfigured("agent \(definition.name) needs an HTTP client for its model") }
            let primary = OpenAIChatBrain(endpoint: endpoint, definition: definition, http: http,
                                          environment: environment, metrics: metrics, logger: logger)
            if let hedge {
                let secondary = OpenAIChatBrain(endpoint: hedge.endpoint, definition: definition, http: http,
                                                environment: environment, metrics: metrics, logger: logger)
                brain = HedgedBrain(primary: primary, secondary: secondary, after: hedge.after)
            } else {
                brain = primary
            }
        }
        cache.withLock { $0[definition.version] = brain }
        return brain
    }
}
