@testable import Agent
import ParleyConfig
import XCTest

final class CatalogTests: XCTestCase {
    private let agentYAML = """
        name: desk
        extension: "9001"
        prompts:
          greeting: "Welcome to version one."
        resources: [facts.md]
        """

    func testAChangedFileIsANewVersionAndEveryVersionStaysAvailable() throws {
        let directory = try TempDirectory()
        try directory.write("agents/desk.yaml", agentYAML)
        try directory.write("agents/facts.md", "We open at nine.")
        let catalog = try AgentCatalog(directory: directory.url.appendingPathComponent("agents"),
                                       databasePath: directory.path("agents.sqlite"))
        let first = catalog.reload()
        XCTAssertEqual(first.failed, [])
        XCTAssertEqual(first.changed, ["desk"])
        let v1 = try XCTUnwrap(first.current["desk"])
        XCTAssertEqual(catalog.current(forExtension: "9001")?.version, v1)
        XCTAssertEqual(catalog.names, ["desk"])

        XCTAssertEqual(catalog.reload().changed, [], "an unchanged file is the same version")

        try directory.write("agents/facts.md", "We open at eight.")
        let second = catalog.reload()
        let v2 = try XCTUnwrap(second.current["desk"])
        XCTAssertNotEqual(v1, v2, "a changed resource changes the hash")
        XCTAssertEqual(second.changed, ["desk"])
        XCTAssertEqual(catalog.current(named: "desk")?.resources.first?.text, "We open at eight.\n")
        XCTAssertEqual(try catalog.definition(version: v1)?.resources.first?.text, "We open at nine.\n")

        // A new catalog on the same database, with the files gone, still knows both versions.
        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("agents"))
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("agents"), withIntermediateDirectories: true)
        let reopened = try AgentCatalog(directory: directory.url.appendingPathComponent("agents"),
                                        databasePath: directory.path("agents.sqlite"))
        XCTAssertEqual(reopened.reload().current, [:])
        XCTAssertEqual(try reopened.versions(of: "desk").map(\.version).sorted(), [v1, v2].sorted())
        let rebuilt = try XCTUnwrap(try reopened.definition(version: v1))
        XCTAssertEqual(rebuilt.version, v1, "a stored version rebuilds to its own hash")
        XCTAssertEqual(rebuilt.prompts.greeting?.source, "Welcome to version one.")
        XCTAssertNil(try reopened.definition(version: String(repeating: "0", count: 64)))
    }

    func testABrokenFileKeepsThePreviousVersionAndReportsFileAndLine() throws {
        let directory = try TempDirectory()
        let path = try directory.write("desk.yaml", agentYAML)
        try directory.write("facts.md", "Facts.")
        let catalog = try AgentCatalog(directory: directory.url, databasePath: directory.path("agents.sqlite"))
        let v1 = try XCTUnwrap(catalog.reload().current["desk"])
        try directory.write("desk.yaml", agentYAML + "\ntimeouts:\n  idle: forever\n")
        let report = catalog.reload()
        XCTAssertEqual(report.failed.count, 1)
        XCTAssertEqual(report.failed.first?.file, path)
        XCTAssertEqual(report.failed.first?.line, 7)
        XCTAssertEqual(catalog.current(named: "desk")?.version, v1, "calls keep getting the last good version")
        XCTAssertEqual(report.current["desk"], v1)
    }

    func testDuplicateNamesAndExtensionsAreRejected() throws {
        let directory = try TempDirectory()
        try directory.write("a.yaml", "name: one\nextension: \"7\"\n")
        try directory.write("b.yaml", "name: one\n")
        try directory.write("c.yaml", "name: three\nextension: \"7\"\n")
        let catalog = try AgentCatalog(directory: directory.url, databasePath: directory.path("agents.sqlite"))
        let report = catalog.reload()
        XCTAssertEqual(catalog.names, ["one"])
        XCTAssertEqual(report.failed.map { URL(fileURLWithPath: $0.file).lastPathComponent }, ["b.yaml", "c.yaml"])
    }

    func testRemovedFilesLeaveTheCurrentSet() throws {
        let directory = try TempDirectory()
        try directory.write("a.yaml", "name: one\n")
        let catalog = try AgentCatalog(directory: directory.url, databasePath: directory.path("agents.sqlite"))
        catalog.reload()
        try FileManager.default.removeItem(atPath: directory.path("a.yaml"))
        XCTAssertEqual(catalog.reload().removed, ["one"])
        XCTAssertNil(catalog.current(named: "one"))
        XCTAssertEqual(try catalog.versions().count, 1)
    }
}
