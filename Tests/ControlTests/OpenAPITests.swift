import Control
import Foundation
import XCTest

/// `docs/openapi.yaml` is the API's contract: every route the router has is in it and every
/// path in it is routed, and the binary serves exactly that file.
final class OpenAPITests: XCTestCase {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var documentURL: URL { packageRoot.appendingPathComponent("docs/openapi.yaml") }

    static func document() throws -> String {
        try String(contentsOf: documentURL, encoding: .utf8)
    }

    /// "METHOD /path" for every operation under `paths:` (two-space path keys, four-space
    /// method keys, as the document is written).
    static func documentedRoutes(_ text: String) -> Set<String> {
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(key) {
                    routes.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    func testEveryRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let server = try ControlServer(configuration: ControlConfiguration(port: 0), services: ControlServices())
        let routed = Set(ControlServer.routeTable(of: server.makeRouter()).routes.map(\.description))
        let documented = Self.documentedRoutes(try Self.document())
        XCTAssertGreaterThan(routed.count, 30)
        XCTAssertEqual(routed.subtracting(documented).sorted(), [], "routes missing from docs/openapi.yaml")
        XCTAssertEqual(documented.subtracting(routed).sorted(), [], "documented routes the router does not have")
    }

    func testTheServedDocumentIsTheFileInDocs() async throws {
        let file = try Self.document()
        let harness = try await ControlHarness.start(for: self)
        let served = try await harness.request(.GET, "/openapi.yaml")
        XCTAssertEqual(served.header("Content-Type"), "application/yaml; charset=utf-8")
        if served.text != file {
            if ProcessInfo.processInfo.environment["PARLEY_UPDATE_OPENAPI"] == "1" {
                try Self.regenerate(from: file)
                XCTFail("Sources/Control/Web/OpenAPIDocument+*.swift regenerated: build and test again")
            } else {
                XCTFail("the embedded document differs from docs/openapi.yaml: run "
                        + "PARLEY_UPDATE_OPENAPI=1 swift test --filter OpenAPITests")
            }
        }
    }

    func testTheDocumentDescribesEveryEventTypeAndErrorCode() throws {
        let text = try Self.document()
        XCTAssertTrue(text.hasPrefix("openapi: 3.1.0\n"))
        for type in ControlEvent.allTypes {
            XCTAssertTrue(text.contains("| \(type) |"), "the events table lacks \(type)")
        }
        let codes: [ControlError.Code] = [
            .badRequest, .badJSON, .unauthorized, .unknownRoute, .methodNotAllowed, .unknownCall, .unknownLeg,
            .unknownRoom, .unknownMember, .unknownConversation, .unknownAgent, .unknownTarget, .wrongState,
            .conversationNotRunning, .updateRejected, .updateFailed, .payloadTooLarge, .unavailable,
            .notImplemented, .internalError, .workflowError,
        ]
        for code in codes {
            XCTAssertTrue(text.contains("`\(code.rawValue)`"), "the error list lacks \(code)")
        }
        for name in ParleyMetrics.Name.all {
            XCTAssertTrue(text.contains(name), "the metrics description lacks \(name)")
        }
    }

    /// Writes the Swift files that embed the document (run with PARLEY_UPDATE_OPENAPI=1): the
    /// document is split before `components:` so no generated file passes 800 lines.
    static func regenerate(from yaml: String) throws {
        guard !yaml.contains("\"\"\"#"), !yaml.contains("\\#"), let split = yaml.range(of: "\ncomponents:\n") else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        let parts = [("Head", String(yaml[..<split.lowerBound]) + "\n", "head", "info and paths"),
                     ("Components", String(yaml[yaml.index(after: split.lowerBound)...]), "components", "components")]
        for (suffix, text, name, what) in parts {
            let swift = """
                // Generated from docs/openapi.yaml by OpenAPITests (PARLEY_UPDATE_OPENAPI=1): do not edit.
                extension OpenAPIDocument {
                    /// The document's \(what).
                    static let \(name) = #\"\"\"

                """ + text + "\n\"\"\"#\n}\n"
            let target = packageRoot.appendingPathComponent("Sources/Control/Web/OpenAPIDocument+\(suffix).swift")
            try swift.write(to: target, atomically: true, encoding: .utf8)
        }
    }
}
