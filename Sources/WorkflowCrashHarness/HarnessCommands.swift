import Foundation
import Workflow

/// The harness's command interpreter; each command answers "ok ..." or "error ...".
struct HarnessCommands {
    let engine: WorkflowEngine<ConversationWorkflow>
    let clock: ManualClock
    let output: Output
    let gate: Gate

    /// Runs one command line; returns true on `exit`.
    mutating func run(_ line: String) async -> Bool {
        let words = line.split(separator: " ", maxSplits: 2).map(String.init)
        guard let verb = words.first else { return false }
        let id = WorkflowID(words.count > 1 ? words[1] : "")
        let rest = words.count > 2 ? words[2] : ""
        do {
            switch verb {
            case "start":
                try await engine.start(id, input: ConversationInput(caller: "crash-test", callee: "agent"))
            case "say":
                try await engine.handle(id).signal(Conversation.Transcript.self, (rest, true))
            case "digit":
                try await engine.handle(id).signal(Conversation.Digit.self, rest)
            case "hangup":
                try await engine.handle(id).signal(Conversation.HungUp.self, ())
            case "ask":
                let pending = try await engine.handle(id).startUpdate(Conversation.Ask.self, rest)
                output.line("accepted \(id) \(pending.id.rawValue)")
                let output = self.output
                Task {
                    do {
                        output.line("answered \(id) \(try await pending.result())")
                    } catch {
                        output.line("unanswered \(id) \(error)")
                    }
                }
            case "hold":
                gate.isClosed = words.count > 1 && words[1] == "on"
            case "advance":
                clock.advance(by: .milliseconds(Int64(words.count > 1 ? words[1] : "0") ?? 0))
            case "jump":
                clock.jump(by: .milliseconds(Int64(words.count > 1 ? words[1] : "0") ?? 0))
            case "quiesce":
                await engine.quiesce()
            case "records":
                for record in try await engine.archive(of: id).records {
                    output.line("record \(id) \(record.sequence) \(record.kind) \(HistoryArchive.hex(record.payload))")
                }
            case "state":
                let machine = try await engine.replayStored(id)
                output.line("state \(id) \(machine.status) \(HistoryArchive.hex(machine.encodedState))")
            case "burst":
                let count = Int(rest) ?? 0
                let handle = engine.handle(id)
                let output = self.output
                Task {
                    await withTaskGroup(of: Void.self) { group in
                        for _ in 0..<count {
                            group.addTask {
                                if (try? await handle.signal(Conversation.Digit.self, "7")) != nil {
                                    output.line("burst-committed \(id)")
                                }
                            }
                        }
                    }
                    output.line("burst-done \(id)")
                }
            case "exit":
                output.line("ok exit")
                return true
            default:
                output.line("error unknown command \(verb)")
                return false
            }
            output.line("ok \(verb) \(id)")
        } catch {
            output.line("error \(verb) \(id) \(error)")
        }
        return false
    }
}
