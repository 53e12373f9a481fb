import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// # Control
///
/// Parley's control plane: an HTTP API (Hummingbird) over the switch, the conversation
/// workflows, the agent catalog and the call detail records; a live event stream (SSE at
/// `GET /events`); a web page at `/` that shows live calls and each call's timeline; Prometheus
/// metrics at `/metrics`; the OpenAPI document at `/openapi.yaml`; and a command-line client
/// (``ControlCLI``) that talks to the API.
///
/// It owns the API's types and their JSON, the event bus, the metrics registry and the CDR
/// store. It must not touch telephony directly: the switch is reached only through
/// ``SwitchControl`` and agents through ``AgentCatalogControl``, both adapted by the
/// composition root, so Control never imports Switch, SIP, Media or Agent.
///
/// `ControlServer` binds 127.0.0.1 by default and refuses a non-loopback address without a
/// bearer token.
public final class ControlServer: Service, Sendable {
    public let configuration: ControlConfiguration
    public let services: ControlServices
    private let logger: Logger
    private let state = ControlLock<RunState>(RunState())

    /// Live event streams, ended before a graceful shutdown (they would never finish alone).
    let streams = EventStreamRegistry()

    private struct RunState {
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        var port: Int?
    }

    /// Checks the configuration (see ``ControlConfiguration/validated()``); nothing is bound yet.
    public init(configuration: ControlConfiguration = ControlConfiguration(), services: ControlServices,
                logger: Logger = Logger(label: "parley.control")) throws(ControlServerError) {
        self.configuration = try configuration.validated()
        self.services = services
        self.logger = logger
    }

    /// The port the server listens on, once it runs.
    public var port: Int? {
        state.withLock { $0.port }
    }

    /// The base URL clients use ("http://127.0.0.1:8089"), once it runs.
    public var baseURL: String? {
        guard let port else { return nil }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// Builds the router with every route; exposed so tests can compare it with the OpenAPI
    /// document.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let table = ControlLock(RouteTable([]))
        router.add(middleware: ErrorMiddleware(routes: table, logger: logger))
        router.add(middleware: AuthMiddleware(token: configuration.token))
        let routes = ControlRoutes(services: services, configuration: configuration, logger: logger,
                                   streams: streams)
        routes.register(on: router)
        table.withLock { $0 = Self.routeTable(of: router) }
        return router
    }

    /// The routes of a router built by ``makeRouter()``.
    public static func routeTable(of router: Router<BasicRequestContext>) -> RouteTable {
        RouteTable(router.routes.map { RouteTable.Route(method: $0.method.rawValue, path: $0.path.description) })
    }

    /// Serves until the task is cancelled or a graceful shutdown is requested (by an enclosing
    /// `ServiceGroup`, or ``stop()``): then ends the event streams, stops accepting connections
    /// and lets requests in flight finish.
    public func run() async throws {
        try await run(reportingPortTo: { _ in })
    }

    /// ``run()``, telling `onRunning` the bound port once the server listens.
    public func run(reportingPortTo onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        streams.reopen()
        let address = BindAddress.hostname(configuration.host, port: configuration.port)
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: address, serverName: "Parley"),
            onServerRunning: { [state] channel in
                let port = channel.localAddress?.port ?? 0
                state.withLock { $0.port = port }
                await onRunning(port)
            },
            logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        state.withLock { $0.group = group }
        defer { state.withLock { $0.group = nil } }
        do {
            try await withGracefulShutdownHandler {
                try await group.run()
            } onGracefulShutdown: { [streams] in
                streams.cancelAll()
                Task { await group.triggerGracefulShutdown() }
            }
        } catch let error as IOError {
            throw ControlServerError.bindFailed(host: configuration.host, port: configuration.port,
                                                reason: error.description)
        }
    }

    /// Starts serving in the background and returns the bound port once it listens.
    @discardableResult
    public func start() async throws -> Int {
        let (ready, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let started = state.withLock { state -> Bool in
            guard state.task == nil else { return false }
            state.task = Task { [self] in
                do {
                    try await run(reportingPortTo: { port in continuation.yield(.success(port)) })
                    continuation.finish()
                } catch {
                    // A failed start leaves the server startable again.
                    self.state.withLock { $0.task = nil }
                    continuation.yield(.failure(error))
                    continuation.finish()
                    throw error
                }
            }
            return true
        }
        guard started else { throw ControlServerError.alreadyRunning }
        for await outcome in ready {
            return try outcome.get()
        }
        throw ControlServerError.bindFailed(host: configuration.host, port: configuration.port,
                                            reason: "the server stopped before it listened")
    }

    /// Stops a server started with ``start()`` gracefully: ends the event streams, stops
    /// accepting connections, lets requests in flight finish, and waits for the server task.
    public func stop() async {
        let (task, group) = state.withLock { state -> (Task<Void, any Error>?, ServiceGroup?) in
            defer {
                state.task = nil
                state.port = nil
            }
            return (state.task, state.group)
        }
        guard let task else { return }
        streams.cancelAll()
        if let group {
            await group.triggerGracefulShutdown()
        } else {
            task.cancel()
        }
        _ = await task.result
    }
}
