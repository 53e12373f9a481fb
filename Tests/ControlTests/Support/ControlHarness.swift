import Control
import Foundation
import Workflow
import XCTest

/// A temporary directory removed when the harness goes away.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("control-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Everything a control test needs, real where it matters: a workflow engine on SQLite in a
/// temporary directory running the real conversation workflow (with the echo model, on a
/// manual clock), a real CDR store, a real server on a free 127.0.0.1 port, and a client.
/// Only the switch and the agent catalog are in-test doubles.
final class ControlHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let store: WorkflowStore
    let engine: WorkflowEngine<ConversationWorkflow>
    let conversations: WorkflowConversationControl
    let switchControl: RecordingSwitch
    let agents: FakeAgentCatalog
    let callRecords: CallRecordStore
    let metrics: ParleyMetrics
    let events: ControlEventBus
    let server: ControlServer
    let port: Int
    let token: String?

    static let version = "agent-hash-1"
    static let settings = ConversationSettings(greeting: "Hello, how can I help?", idleTimeout: .seconds(10))

    private init(directory: TemporaryDirectory, clock: ManualClock, store: WorkflowStore,
                 engine: WorkflowEngine<ConversationWorkflow>, conversations: WorkflowConversationControl,
                 switchControl: RecordingSwitch, agents: FakeAgentCatalog, callRecords: CallRecordStore,
                 metrics: ParleyMetrics, events: ControlEventBus, server: ControlServer, port: Int, token: String?) {
        self.directory = directory
        self.clock = clock
        self.store = store
        self.engine = engine
        self.conversations = conversations
        self.switchControl = switchControl
        self.agents = agents
        self.callRecords = callRecords
        self.metrics = metrics
        self.events = events
        self.server = server
        self.port = port
        self.token = token
    }

    static func start(token: String? = nil, configure: (inout ControlServices) -> Void = { _ in }) async throws
    -> ControlHarness {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let store = try WorkflowStore(path: directory.path("workflows.sqlite"))
        let engine = try WorkflowEngine(
            store: store, definition: ConversationWorkflow(settings: settings, version: version), clock: clock,
            activities: EchoConversationActivities.run)
        let conversations = WorkflowConversationControl(engine: engine, store: store) { version in
            version == ControlHarness.version ? "support" : nil
        }
        let switchControl = RecordingSwitch()
        let agents = FakeAgentCatalog()
        let callRecords = try CallRecordStore(path: directory.path("cdr.sqlite"))
        let metrics = ParleyMetrics()
        let events = ControlEventBus()
        var services = ControlServices(switchControl: switchControl, conversations: conversations, agents: agents,
                                       callRecords: callRecords, metrics: metrics, events: events)
        configure(&services)
        let server = try ControlServer(configuration: ControlConfiguration(host: "127.0.0.1", port: 0, token: token),
                                       services: services)
        let port = try await server.start()
        return ControlHarness(directory: directory, clock: clock, store: store, engine: engine,
                              conversations: conversations, switchControl: switchControl, agents: agents,
                              callRecords: callRecords, metrics: metrics, events: events, server: server, port: port,
                              token: token)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a harness that stops when the test ends, pass or fail.
    static func start(for test: XCTestCase, token: String? = nil,
                      configure: (inout ControlServices) -> Void = { _ in }) async throws -> ControlHarness {
        let harness = try await start(token: token, configure: configure)
        test.addTeardownBlock { await harness.stop() }
        return harness
    }

    func client(token: String? = nil) throws -> ControlClient {
        try ControlClient(baseURL: baseURL, token: token ?? self.token, timeout: .seconds(30))
    }

    func stop() async {
        await server.stop()
        events.finish()
        engine.shutdown()
        store.close()
    }

    /// Starts a conversation and lets its greeting settle.
    @discardableResult
    func startConversation(_ id: String, caller: String = "sip:alice@example.com",
                           callee: String = "sip:support@parley") async throws -> WorkflowHandle<ConversationWorkflow> {
        let handle = try await engine.start(WorkflowID(id), input: ConversationInput(caller: caller, callee: callee))
        await engine.quiesce()
        return handle
    }

    /// A GET/POST through the real HTTP stack, whatever the status.
    func request(_ method: HTTPMethodName, _ path: String, body: String? = nil, token: String? = nil,
                 contentType: String = "application/json",
                 headers: [(String, String)] = []) async throws -> ControlClient.Response {
        try await client(token: token).raw(method.nio, path, body: body.map { Data($0.utf8) }, contentType: contentType,
                                           headers: headers)
    }
}

extension ControlHarness {
    /// Sends a request and checks its status.
    func expect(_ status: Int, _ method: HTTPMethodName, _ path: String, body: String? = nil,
                file: StaticString = #filePath, line: UInt = #line) async throws {
        let response = try await request(method, path, body: body)
        XCTAssertEqual(response.status, status, "\(method) \(path): \(response.text)", file: file, line: line)
    }
}

/// Method names for tests, so test files need not import NIOHTTP1.
enum HTTPMethodName {
    case GET, POST, PUT, DELETE, PATCH

    var nio: ControlClient.Method {
        switch self {
        case .GET: .GET
        case .POST: .POST
        case .PUT: .PUT
        case .DELETE: .DELETE
        case .PATCH: .PATCH
        }
    }
}

/// Parses a JSON body into plain dictionaries and arrays for structural assertions.
func jsonObject(_ response: ControlClient.Response, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
    do {
        return try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
    } catch {
        XCTFail("not JSON (\(response.status)): \(response.text)", file: file, line: line)
        throw error
    }
}

/// The `{"error": {"code", "message"}}` body of an error response.
func errorCode(_ response: ControlClient.Response) -> String? {
    (try? ControlJSON.decode(ControlErrorBody.self, from: response.body))?.error.code
}
