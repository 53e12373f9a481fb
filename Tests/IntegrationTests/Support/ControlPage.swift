import Foundation
import XCTest

/// The control web page rendered by headless Chromium: the DOM after its scripts ran, and a
/// screenshot kept next to the server's log.
enum ControlPage {
    /// The page showing `call` (nil when Chromium is not installed). The screenshot must exist.
    static func render(server: ParleyServer, call: String, file: StaticString = #filePath,
                       line: UInt = #line) async throws -> String? {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            print("control: chromium is not installed; the page is not rendered")
            return nil
        }
        let profile = server.directory.appendingPathComponent("chromium")
        let url = "\(server.apiURL)/#call=\(call)&live=0"
        let screenshot = server.directory.appendingPathComponent("control-page.png").path
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--virtual-time-budget=10000"]
        let dom = try await ControlAPI.blocking {
            try run(chromium, arguments + ["--user-data-dir=\(profile.path)-dom", "--dump-dom", url])
        }
        _ = try await ControlAPI.blocking {
            try run(chromium, arguments + ["--user-data-dir=\(profile.path)-shot", "--window-size=1400,1000",
                                           "--screenshot=\(screenshot)", url])
        }
        XCTAssertTrue(dom.contains("data-ready=\"true\""), "the page finished loading:\n\(dom.prefix(2000))", file: file, line: line)
        XCTAssertTrue(dom.contains("data-call-id=\"\(call)\""), "the call list shows the call", file: file, line: line)
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        XCTAssertGreaterThan(size, 10_000, "no screenshot at \(screenshot)", file: file, line: line)
        print("control: page screenshot at \(screenshot)")
        return dom
    }

    /// Runs Chromium and returns its standard output (killed after two minutes).
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return String(decoding: data, as: UTF8.self)
    }
}
