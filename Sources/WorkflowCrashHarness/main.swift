// A child process for the workflow crash tests: it runs conversation workflows on a store, on
// a manual clock that the test drives over stdin, and reports what happens on stdout, one line
// each. The test kills it with SIGKILL at chosen moments and starts it again on the same file.
//
// Usage: WorkflowCrashHarness <database path> <clock start, ns since epoch>
// Logs go to stderr (swift-log's default). Commands, one per line: start ID | say ID TEXT |
// digit ID D | hangup ID | ask ID TEXT | hold on|off | advance MS | jump MS | quiesce |
// records ID | state ID | burst ID N | exit
import Foundation
import Workflow

/// Serialises stdout lines from the command loop and from background tasks.
final class Output: @unchecked Sendable {
    private let lock = NSLock()

    func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// Activities that can be held in flight: the test kills the process while one is held.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false

    var isClosed: Bool {
        get { lock.withLock { closed } }
        set { lock.withLock { closed = newValue } }
    }
}

let output = Output()
let gate = Gate()
let arguments = CommandLine.arguments
guard arguments.count == 3, let start = Int64(arguments[2]) else {
    output.line("usage: WorkflowCrashHarness <database> <clock start ns>")
    exit(2)
}
let clock = ManualClock(start: WorkflowTime(nanosecondsSinceEpoch: start))
let settings = ConversationSettings(idleTimeout: .seconds(10), maxDuration: .seconds(600))
let activities: ActivityHandler<ConversationWorkflow> = { activity, context in
    output.line("activity \(context.workflowID) \(context.activityID) \(context.attempt)")
    while gate.isClosed {
        try await Task.sleep(nanoseconds: 1_000_000)
    }
    return try await EchoConversationActivities.run(activity, context)
}

do {
    let store = try WorkflowStore(path: arguments[1])
    let engine = try WorkflowEngine(store: store, definition: ConversationWorkflow(settings: settings, version: "crash-v1"),
                                    clock: clock, activities: activities)
    Task.detached {
        for await effect in engine.effects {
            output.line("effect \(effect.workflowID) \(effect.sequence) \(effect.effect)")
        }
    }
    let report = try await engine.recover()
    output.line("ready \(report.recovered.count) \(report.failed.count)")
    var commands = HarnessCommands(engine: engine, clock: clock, output: output, gate: gate)
    // stdin is read on its own thread so no executor thread blocks in readLine().
    let (lines, feed) = AsyncStream<String>.makeStream()
    let reader = Thread {
        while let line = readLine() { feed.yield(line) }
        feed.finish()
    }
    reader.start()
    for await line in lines {
        let done = await commands.run(line)
        if done { break }
    }
    engine.shutdown()
    store.close()
    output.line("bye")
} catch {
    output.line("fatal \(error)")
    exit(1)
}
