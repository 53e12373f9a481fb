import Control
import Foundation
import Workflow
import XCTest

/// The page at `/`: served from the binary with everything it needs, and (when Debian's
/// `chromium` is installed) rendered by a real headless browser against a live conversation.
final class WebPageTests: XCTestCase {
    func testPageAndAssetsAreServedFromTheBinaryWithoutOutsideReferences() async throws {
        let harness = try await ControlHarness.start(for: self)
        let page = try await harness.request(.GET, "/")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.header("Content-Type"), "text/html; charset=utf-8")
        let policy = try XCTUnwrap(page.header("Content-Security-Policy"))
        XCTAssertTrue(policy.contains("script-src 'self'"), policy)
        XCTAssertTrue(page.text.contains(#"<script src="app.js" defer></script>"#))
        XCTAssertTrue(page.text.contains(#"<link rel="stylesheet" href="app.css">"#))
        let script = try await harness.request(.GET, "/app.js")
        XCTAssertEqual(script.header("Content-Type"), "text/javascript; charset=utf-8")
        let styles = try await harness.request(.GET, "/app.css")
        XCTAssertEqual(styles.header("Content-Type"), "text/css; charset=utf-8")
        for asset in [page, script, styles] {
            XCTAssertFalse(asset.text.contains("http://"), "no outside references")
            XCTAssertFalse(asset.text.contains("https://"), "no CDN")
            XCTAssertFalse(asset.text.contains("//cdn"), "no CDN")
        }
        // The script knows every event type the stream sends.
        for type in ControlEvent.allTypes {
            XCTAssertTrue(script.text.contains("\"\(type)\""), "app.js does not listen for \(type)")
        }
        XCTAssertFalse(script.text.contains("innerHTML"), "text is inserted as text, never as markup")
    }

    func testScriptParsesWhenNodeIsAvailable() throws {
        guard let node = Self.executable("node") else { throw XCTSkip("node is not installed") }
        let directory = try TemporaryDirectory()
        let response = try Self.blockingGet(path: "/app.js")
        let file = directory.path("app.js")
        try response.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Self.runProcess(node, ["--check", file], timeout: 60)
        XCTAssertEqual(result.status, 0, result.output)
    }

    func testHeadlessChromiumRendersTheCallListAndTimelineWithTranscript() async throws {
        guard let chromium = Self.executable("chromium") ?? Self.executable("chromium-browser") else {
            throw XCTSkip("chromium is not installed (apt-get install chromium)")
        }
        let harness = try await ControlHarness.start(for: self)
        // The in-test switch has call c-1 with conversation conv-1: make that conversation real.
        let handle = try await harness.startConversation("conv-1", caller: "sip:alice@example.com")
        try await handle.signal(Conversation.Transcript.self, ("When do you open tomorrow", true))
        await harness.engine.quiesce()
        try await handle.signal(Conversation.Digit.self, "7")
        harness.events.publish(.callIncoming(from: "sip:alice@example.com", to: "1000", trunk: "provider"), call: "c-1",
                               at: Date(timeIntervalSince1970: 1_699_999_999))
        harness.events.publish(.toolCallStarted(tool: "lookup_hours", toolCallID: "t-1", arguments: "{\"day\":\"tomorrow\"}"),
                               call: "c-1", conversation: "conv-1", at: Date(timeIntervalSince1970: 1_700_000_000.5))

        let profile = try TemporaryDirectory()
        let url = "\(harness.baseURL)/#call=c-1&live=0"
        let result = try await Task.detached {
            try WebPageTests.runProcess(chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path("profile"))", "--virtual-time-budget=10000", "--dump-dom", url,
            ], timeout: 120)
        }.value
        let dom = result.output
        if let screenshot = ProcessInfo.processInfo.environment["PARLEY_SCREENSHOT"] {
            // For people: PARLEY_SCREENSHOT=/tmp/page.png swift test --filter WebPageTests
            _ = try await Task.detached {
                try WebPageTests.runProcess(chromium, [
                    "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path("shot"))",
                    "--virtual-time-budget=10000", "--window-size=1400,1000", "--screenshot=\(screenshot)", url,
                ], timeout: 120)
            }.value
        }
        XCTAssertTrue(dom.contains("data-ready=\"true\""), "the page finished loading:\n\(dom.prefix(3000))")
        XCTAssertTrue(dom.contains("data-call-id=\"c-1\""), "the call list shows c-1")
        XCTAssertTrue(dom.contains("data-call-id=\"c-2\""), "the call list shows c-2")
        XCTAssertTrue(dom.contains("sip:alice@example.com → 1000"))
        XCTAssertTrue(dom.contains("Call c-1"), "the timeline is for c-1")
        // Transcript turns from the conversation's history, on the transcript lane.
        XCTAssertTrue(dom.contains("When do you open tomorrow"), "the caller's turn")
        XCTAssertTrue(dom.contains("You said: When do you open tomorrow"), "the agent's reply")
        XCTAssertTrue(dom.contains("Hello, how can I help?"), "the greeting")
        XCTAssertTrue(dom.contains(#"data-lane="transcript" data-speaker="agent""#))
        // DTMF, workflow events, timers, SIP and tool events on the same axis.
        XCTAssertTrue(dom.contains(#"data-lane="dtmf""#))
        XCTAssertTrue(dom.contains("model reply"), "the activity result from the log")
        XCTAssertTrue(dom.contains("timer armed"), "the pending idle timer")
        XCTAssertTrue(dom.contains("INVITE"), "the SIP event from the event stream")
        XCTAssertTrue(dom.contains("tool lookup_hours"), "the tool call")
        let rows = dom.components(separatedBy: "<li data-lane=").dropFirst().map { String($0.prefix(400)) }
        let firstInvite = rows.firstIndex { $0.contains("INVITE") }
        let firstTool = rows.firstIndex { $0.contains("tool lookup_hours") }
        let firstReply = rows.firstIndex { $0.contains("You said: When do you open") }
        XCTAssertNotNil(firstInvite)
        if let firstInvite, let firstTool, let firstReply {
            XCTAssertLessThan(firstInvite, firstReply, "the INVITE (one second earlier) comes first")
            XCTAssertLessThan(firstReply, firstTool, "rows are in time order")
        }
    }

    func testHeadlessChromiumFollowsTheLiveEventStream() async throws {
        guard let chromium = Self.executable("chromium") ?? Self.executable("chromium-browser") else {
            throw XCTSkip("chromium is not installed (apt-get install chromium)")
        }
        let harness = try await ControlHarness.start(for: self)
        let handle = try await harness.startConversation("conv-1", caller: "sip:alice@example.com")
        let profile = try TemporaryDirectory()
        let browser = try ChromiumSession(executable: chromium, profile: profile.path("profile"))
        addTeardownBlock { await browser.close() }
        let page = try await browser.open("\(harness.baseURL)/#call=c-1")
        let connected = try await browser.waitUntil(
            "document.body.dataset.ready === 'true' && document.getElementById('stream-status').textContent === 'live'",
            session: page)
        XCTAssertTrue(connected, "the page loaded and opened the event stream")
        for _ in 0..<2_000 where harness.events.subscriberCount < 1 { try await Task.sleep(for: .milliseconds(5)) }

        // A partial transcript reaches the timeline through the stream alone.
        harness.events.publish(.transcript(text: "I would like to", isFinal: false), call: "c-1", conversation: "conv-1")
        let partial = try await browser.waitUntil(
            "document.querySelector('#timeline li.partial')?.textContent.includes('I would like to') === true",
            session: page)
        XCTAssertTrue(partial, "the partial transcript is shown")

        // The final one goes to the workflow; the page reloads the history and shows the reply.
        try await handle.signal(Conversation.Transcript.self, ("I would like to book a table", true))
        await harness.engine.quiesce()
        harness.events.publish(.transcript(text: "I would like to book a table", isFinal: true), call: "c-1",
                               conversation: "conv-1")
        let reply = try await browser.waitUntil(
            "document.getElementById('timeline').textContent.includes('You said: I would like to book a table')",
            session: page)
        XCTAssertTrue(reply, "the agent's reply from the workflow history is on the timeline")
        harness.events.publish(.dtmf(digit: "9"), call: "c-1", conversation: "conv-1")
        try await handle.signal(Conversation.Digit.self, "9")
        let digit = try await browser.waitUntil(
            "[...document.querySelectorAll('#timeline li[data-lane=\"dtmf\"]')].some(li => li.textContent.includes('9'))",
            session: page)
        XCTAssertTrue(digit, "the digit is on the DTMF lane")

        // A new call shows up in the list as soon as its INVITE is announced.
        harness.switchControl.add(LiveCall(id: "c-3", state: .ringing, direction: .inbound, from: "sip:dave@example.com",
                                           to: "1000", startedAt: Date()))
        harness.events.publish(.callIncoming(from: "sip:dave@example.com", to: "1000", trunk: nil), call: "c-3")
        let listed = try await browser.waitUntil("document.querySelector('[data-call-id=\"c-3\"]') !== null",
                                                 session: page)
        XCTAssertTrue(listed, "the new call is listed without a reload")
        let count = try await browser.evaluate("document.getElementById('call-count').textContent", session: page)
        XCTAssertEqual(count as? String, "3")

        // History search: find the conversation by its caller and open its timeline.
        try await harness.startConversation("conv-2", caller: "sip:erin@example.com")
        _ = try await browser.evaluate("""
            document.getElementById('tab-search').click();
            const form = document.getElementById('search-form');
            form.elements.caller.value = 'ERIN';
            form.requestSubmit();
            """, session: page)
        let found = try await browser.waitUntil(
            "document.querySelectorAll('#results tbody tr').length === 1 && "
                + "document.querySelector('#results tbody tr[data-conversation-id=\"conv-2\"]') !== null",
            session: page)
        XCTAssertTrue(found, "the search finds only Erin's conversation")
        _ = try await browser.evaluate(
            "document.querySelector('#results tbody tr[data-conversation-id=\"conv-2\"]').click()", session: page)
        let opened = try await browser.waitUntil(
            "document.getElementById('detail-title').textContent === 'Conversation conv-2' && "
                + "document.getElementById('timeline').textContent.includes('Hello, how can I help?')",
            session: page)
        XCTAssertTrue(opened, "the conversation's timeline opens from the search results")
    }

    // MARK: Processes

    static func executable(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin", "/snap/bin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a process we start ourselves, kills it (by its pid) if it outlives `timeout`, and
    /// returns its exit status and standard output.
    static func runProcess(_ path: String, _ arguments: [String], timeout: TimeInterval) throws
    -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The embedded script, fetched through a server of its own.
    static func blockingGet(path: String) throws -> String {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ControlLock<Result<String, any Error>?>(nil)
        Task {
            do {
                let harness = try await ControlHarness.start()
                let text = try await harness.request(.GET, path).text
                await harness.stop()
                box.withLock { $0 = .success(text) }
            } catch {
                box.withLock { $0 = .failure(error) }
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try XCTUnwrap(box.withLock { $0 }).get()
    }
}
