import Hummingbird
import Logging

/// Registers every route of the API. Each group lives in its own extension file; the path
/// templates use OpenAPI's `{name}` syntax, which Hummingbird understands as captures, so the
/// router and `docs/openapi.yaml` name routes the same way.
struct ControlRoutes: Sendable {
    let services: ControlServices
    let configuration: ControlConfiguration
    let logger: Logger
    let streams: EventStreamRegistry

    typealias Context = BasicRequestContext

    var bodyLimit: Int { configuration.maximumBodySize }

    func register(on router: Router<Context>) {
        registerStatic(on: router)
        registerCalls(on: router)
        registerRooms(on: router)
        registerDirectory(on: router)
        registerConversations(on: router)
        registerAgents(on: router)
        registerCallRecords(on: router)
        registerEvents(on: router)
    }
}
