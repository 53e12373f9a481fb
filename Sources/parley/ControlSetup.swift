import Control
import Foundation
import Logging
import ParleyConfig
import Switch

/// The control plane's half of the composition root: the call records (SQLite in the data
/// folder), the metrics, the live event bus fed by the switch, and the HTTP server over the
/// switch, the conversations and the agent catalog. Built before the switch starts (so no event
/// is missed); the server starts once the switch runs and stops before it shuts down.
final class ControlSetup {
    let publisher: SwitchEventPublisher
    let server: ControlServer?
    private let logger: Logger

    init(config: ParleyConfiguration, parley: Switch, agents: AgentSetup, metrics: ParleyMetrics, logger: Logger) throws {
        var log = logger
        log[metadataKey: "component"] = "control"
        self.logger = log
        let records: CallRecordStore
        do {
            records = try CallRecordStore(path: config.dataDirectory.appendingPathComponent("calls.sqlite").path)
        } catch {
            throw StartupError(error.message)
        }
        let bus = ControlEventBus()
        publisher = SwitchEventPublisher(bus: bus, metrics: metrics, records: records, logger: log)
        metrics.registrations.set(Double(parley.registrations().count))
        let publisher = publisher
        parley.onEvent = { publisher.handle($0) }
        let catalog = agents.services.catalog
        let conversations = WorkflowConversationControl(
            engine: agents.services.runtime.engine, store: agents.store,
            agentName: { version in (try? catalog.definition(version: version))?.name })
        let services = ControlServices(
            switchControl: SwitchControlAdapter(parley: parley, configuration: config), conversations: conversations,
            agents: AgentCatalogAdapter(catalog: catalog), callRecords: records, metrics: metrics, events: bus)
        let control = config.control
        guard control.enabled else {
            server = nil
            return
        }
        do {
            server = try ControlServer(configuration: ControlConfiguration(host: control.listen, port: control.port,
                                                                           token: control.token),
                                       services: services, logger: log)
        } catch {
            throw StartupError("\(config.source): control: \(error)")
        }
    }

    /// Starts serving; returns the base URL (nil when the API is disabled).
    func start() throws -> String? {
        guard let server else {
            logger.info("control API disabled (control.enabled: false)")
            return nil
        }
        _ = try AgentSetup.wait { try await server.start() }
        let url = server.baseURL ?? "?"
        logger.info("control API listening on \(url)", metadata: ["auth": "\(server.configuration.token == nil ? "none (loopback)" : "bearer token")"])
        return url
    }

    /// Stops the server (requests in flight finish, event streams end). Before the switch stops.
    func stopServer() {
        guard let server else { return }
        _ = try? AgentSetup.wait { await server.stop() }
    }

    /// After the switch stopped: the records of the calls it ended are written.
    func finish() {
        let publisher = publisher
        _ = try? AgentSetup.wait { await publisher.flush() }
        publisher.bus.finish()
    }
}
