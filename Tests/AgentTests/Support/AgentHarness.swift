@testable import Agent
import Foundation
import ParleyConfig
import Workflow
import XCTest

/// A temporary directory removed when the test is done with it.
final class TempDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agent-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a file (creating folders), returning its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The repository's own agent files.
enum RepoAgents {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("conf/agents")
    }

    static func receptionist() throws -> AgentDefinition {
        try AgentDefinitionLoader.load(path: directory.appendingPathComponent("receptionist.yaml").path)
    }
}

/// Definitions by version, for tests that build definitions in memory.
final class FixedDefinitions: AgentDefinitionSource, @unchecked Sendable {
    private let lock = NSLock()
    private var byVersion: [String: AgentDefinition] = [:]

    init(_ definitions: [AgentDefinition] = []) {
        for definition in definitions { byVersion[definition.version] = definition }
    }

    func add(_ definition: AgentDefinition) {
        lock.withLock { byVersion[definition.version] = definition }
    }

    func definition(version: String) throws(AgentCatalogError) -> AgentDefinition? {
        lock.withLock { byVersion[version] }
    }
}

/// An agent runtime on a temporary SQLite store with a manual clock.
final class AgentHarness: @unchecked Sendable {
    let directory: TempDirectory
    let clock: ManualClock
    let store: WorkflowStore
    let runtime: AgentRuntime
    let definitions: any AgentDefinitionSource

    init(directory: TempDirectory? = nil, clock: ManualClock = ManualClock(), definitions: any AgentDefinitionSource,
         brains: any AgentBrainProvider = StandardBrainProvider(http: nil), tools: HTTPToolRunner? = nil) throws {
        self.directory = try directory ?? TempDirectory()
        self.clock = clock
        self.definitions = definitions
        store = try WorkflowStore(path: self.directory.path("conversations.sqlite"))
        runtime = try AgentRuntime(store: store, definitions: definitions, brains: brains, tools: tools, clock: clock)
    }

    func start(_ id: WorkflowID, _ definition: AgentDefinition, actions: RecordingCallActions,
               caller: String = "1000") async throws -> AgentSession {
        let session = try await runtime.start(id, definition: definition, caller: caller, callee: "9000", actions: actions)
        await settle(session)
        return session
    }

    /// Waits until the engine is idle and the session has carried out every effect, twice
    /// over (carrying out an effect may signal the workflow again).
    func settle(_ session: AgentSession) async {
        for _ in 0..<4 {
            await runtime.engine.quiesce()
            await session.drained()
        }
        await runtime.engine.quiesce()
    }

    /// Moves the manual clock in steps, settling in between.
    func advance(_ duration: Duration, session: AgentSession) async {
        clock.advance(by: duration)
        await settle(session)
    }

    func stop() async {
        await runtime.shutdown()
        store.close()
    }
}

/// Polls a condition (liveness only: a generous bound, never a timing assertion).
func eventually(timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 2_000_000)
    }
    XCTFail("condition never held", file: file, line: line)
}

/// Parses a definition from text with in-memory resources (for tests of the loader).
func definition(_ yaml: String, file: String = "test.yaml", resources: [String: String] = [:]) throws(ConfigError)
-> AgentDefinition {
    try AgentDefinitionLoader.parse(yaml, file: file) { resources[$0] }
}
