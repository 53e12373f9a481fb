import Agent
import AsyncHTTPClient
import Foundation
import Logging
import Control
import ParleyConfig
import Switch
import Synchronization
import Workflow

/// The agents' half of the composition root: the definition catalog (conf/agents, versions in
/// SQLite), the conversation store and runtime, the HTTP client brains and tools share. Built
/// before the switch starts; a bad definition or a dialplan entry naming an unknown agent stops
/// the start with `file:line: reason`.
final class AgentSetup {
    let services: AgentServices
    let store: WorkflowStore
    let http: HTTPClient

    /// Loads every definition and recovers the conversations a previous run left open (their
    /// calls did not survive it: each is ended as if the caller hung up, so its jobs still run).
    /// `metrics` receives the workflow engine's and the model and speech providers' numbers.
    init(config: ParleyConfiguration, metrics: ParleyMetrics, logger: Logger) throws {
        var log = logger
        log[metadataKey: "component"] = "agents"
        let catalog = try AgentCatalog(directory: config.agentsDirectory,
                                       databasePath: config.dataDirectory.appendingPathComponent("agents.sqlite").path)
        let report = catalog.reload()
        if let failure = report.failed.first {
            throw StartupError(failure.description)
        }
        for rule in config.dialplanRules {
            guard case .agent(let name) = rule.target, catalog.current(named: name) == nil else { continue }
            let known = catalog.names.sorted()
            throw StartupError(ConfigError(file: config.source, line: rule.line,
                                           reason: "no agent is named '\(name)' in \(config.agentsDirectory.path) (" +
                                               (known.isEmpty ? "none are defined)" : "defined: \(known.joined(separator: ", ")))")).description)
        }
        store = try WorkflowStore(path: config.dataDirectory.appendingPathComponent("conversations.sqlite").path, logger: log)
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = AgentHTTPClient(client: http)
        let agentMetrics = AgentMetrics(factory: metrics.factory)
        let runtime = try AgentRuntime(store: store, definitions: catalog,
                                       brains: StandardBrainProvider(http: client, metrics: agentMetrics),
                                       tools: HTTPToolRunner(http: client), workflowMetrics: metrics.workflow, logger: log)
        var speech = SpeechProviderFactory(http: client, logger: log)
        speech.metrics = agentMetrics
        services = AgentServices(runtime: runtime, catalog: catalog, remoteSpeech: speech)
        log.info("agents loaded", metadata: ["agents": "\(report.current.keys.sorted().joined(separator: ","))",
                                             "folder": "\(config.agentsDirectory.path)"])
        let recovered = try Self.wait {
            let report = try await runtime.recover()
            for id in report.recovered { try? await runtime.abandon(id) }
            return report.recovered.count
        }
        if recovered > 0 { log.info("conversations left open by the last run ended", metadata: ["count": "\(recovered)"]) }
    }

    /// After the switch stopped: the engine, the store, the HTTP client.
    func shutdown() {
        let runtime = services.runtime
        let http = http
        _ = try? Self.wait {
            await runtime.shutdown()
            try await http.shutdown()
        }
        store.close()
    }

    /// Runs async work from the synchronous command and waits for it.
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await work()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { throw StartupError("agent start-up did not finish") }
        return try result.get()
    }
}

/// A start-up failure with a message for the operator (file:line when it comes from a file).
struct StartupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
