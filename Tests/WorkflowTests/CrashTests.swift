import Foundation
import Workflow
import XCTest

/// kill -9 of a real child process, mid-way: while a model reply is in flight, while timers
/// are pending, while an `ask` update is accepted but unanswered, and during a burst of
/// concurrent signals. After each restart every committed event is still there, each timer
/// fired once, the activities ran to completion, and the final states equal, byte for byte, a
/// run of the same script that never crashed.
final class CrashTests: XCTestCase {
    private let t0: Int64 = 1_700_000_000 * 1_000_000_000
    private let calls = ["c1", "c2", "c3"]

    func testKillNineMidWayLosesNothingAndMatchesAnUncrashedRun() throws {
        let directory = try TemporaryDirectory()
        let crashed = try crashedRun(database: directory.path("crashed.sqlite"))
        let reference = try uncrashedRun(database: directory.path("reference.sqlite"))
        for call in calls {
            XCTAssertEqual(crashed[call], reference[call], "\(call): state differs from the run that never crashed")
            XCTAssertTrue(crashed[call]?.hasPrefix("completed ") ?? false, "\(call) finished: \(crashed[call] ?? "-")")
        }
    }

    /// The common opening: three calls, one answered reply, then replies held in flight.
    private func opening(_ harness: HarnessProcess) throws {
        for call in calls { try harness.command("start \(call)") }
        try harness.command("say c1 hello")
        try harness.command("quiesce")
        try harness.waitFor("c1's first reply") { $0.hasPrefix("effect c1 ") && $0.contains("You said: hello") }
        try harness.command("hold on")
        try harness.command("say c1 second")
        try harness.waitFor("c1's reply in flight") { $0 == "activity c1 reply-2 1" }
        try harness.command("digit c2 5")
        let accepted = try harness.command("ask c3 what time is it")
        XCTAssertTrue(accepted.contains { $0.hasPrefix("accepted c3 ") })
        try harness.waitFor("c3's reply in flight") { $0 == "activity c3 reply-1 1" }
    }

    private func crashedRun(database: String) throws -> [String: String] {
        // Life 1: killed with two activities in flight, an update unanswered, idle timers
        // pending, and a burst of signals half committed.
        let first = try HarnessProcess(database: database, clockStart: t0)
        defer { first.terminateIfRunning() }
        try first.waitFor("ready") { $0.hasPrefix("ready") }
        try opening(first)
        try first.command("start c4")
        var committedBeforeKill: [String: [String]] = [:]
        for call in calls { committedBeforeKill[call] = try records(first, call) }
        first.send("burst c4 400")
        try first.waitForCount(of: "burst-committed c4", atLeast: 20)
        first.kill9()
        let burstCommitted = first.output.filter { $0 == "burst-committed c4" }.count

        // Life 2: restart one second later; the held activities run again and finish.
        let second = try HarnessProcess(database: database, clockStart: t0 + 1_000_000_000)
        defer { second.terminateIfRunning() }
        try second.waitFor("ready") { $0.hasPrefix("ready 4 0") }
        try second.command("quiesce")
        for call in calls {
            let now = try records(second, call)
            let before = committedBeforeKill[call] ?? []
            XCTAssertEqual(Array(now.prefix(before.count)), before, "\(call): a committed event was lost or changed")
        }
        let c1 = try records(second, "c1")
        XCTAssertEqual(c1.filter { $0.contains(" activityCompleted ") && $0.contains(hex("reply-2")) }.count, 1,
                       "the reply in flight ran to completion exactly once")
        let c3 = try records(second, "c3")
        XCTAssertEqual(c3.filter { $0.contains(" update ") }.count, 1, "the accepted update survived once")
        let digits = try records(second, "c4").filter { $0.contains(" signal ") }.count
        XCTAssertGreaterThanOrEqual(digits, burstCommitted, "every signal reported committed survived")
        try second.command("advance 12000")
        try second.command("quiesce")
        for call in calls {
            XCTAssertEqual(try records(second, call).filter { $0.contains(" timerFired ") }.count, 1,
                           "\(call): the first idle timer fired once")
        }
        second.kill9()

        // Life 3: down past the second idle deadline: it fires at once on recovery.
        let third = try HarnessProcess(database: database, clockStart: t0 + 40_000_000_000)
        defer { third.terminateIfRunning() }
        try third.waitFor("ready") { $0.hasPrefix("ready 4 0") }
        try third.command("quiesce")
        var states: [String: String] = [:]
        for call in calls {
            XCTAssertEqual(try records(third, call).filter { $0.contains(" timerFired ") }.count, 2,
                           "\(call): each idle timer fired exactly once across three lives")
            states[call] = try state(third, call)
        }
        try third.command("exit")
        return states
    }

    /// The same script in one process that is never killed: where the crashed run restarted,
    /// this one moves its clock to the same instants (a `jump` fires overdue timers late, as a
    /// restart does).
    private func uncrashedRun(database: String) throws -> [String: String] {
        let harness = try HarnessProcess(database: database, clockStart: t0)
        defer { harness.terminateIfRunning() }
        try harness.waitFor("ready") { $0.hasPrefix("ready 0 0") }
        try opening(harness)
        try harness.command("jump 1000")
        try harness.command("hold off")
        try harness.command("quiesce")
        try harness.command("advance 12000")
        try harness.command("quiesce")
        try harness.command("jump 27000")
        try harness.command("quiesce")
        try harness.waitFor("c3's answer") { $0.hasPrefix("answered c3 You said: what time is it") }
        var states: [String: String] = [:]
        for call in calls { states[call] = try state(harness, call) }
        try harness.command("exit")
        return states
    }

    private func records(_ harness: HarnessProcess, _ call: String) throws -> [String] {
        try harness.command("records \(call)").filter { $0.hasPrefix("record \(call) ") }
    }

    private func state(_ harness: HarnessProcess, _ call: String) throws -> String {
        let lines = try harness.command("state \(call)")
        guard let line = lines.first(where: { $0.hasPrefix("state \(call) ") }) else {
            throw HarnessProcess.HarnessError(message: "no state for \(call)")
        }
        return String(line.dropFirst("state \(call) ".count))
    }

    private func hex(_ text: String) -> String {
        HistoryArchive.hex(text.wireBytes())
    }
}
