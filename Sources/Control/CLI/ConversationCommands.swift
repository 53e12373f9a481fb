import ArgumentParser
import Foundation

/// `control conversation ...`: the durable conversation workflows.
public struct ConversationCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "conversation", abstract: "List conversations, read their history, signal, update, query.",
        subcommands: [List.self, History.self, Signal.self, Update.self, Query.self])
    public init() {}

    public struct List: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "List live and finished conversations.")
        @OptionGroup public var options: ClientOptions
        @Option(help: "running, completed or failed.") public var status: String?
        @Option(help: "Agent name or definition version.") public var agent: String?
        @Option(help: "Part of the caller's address or number.") public var caller: String?
        @Option(help: "Started at or after (RFC 3339 or YYYY-MM-DD).") public var since: String?
        @Option(help: "Started before (RFC 3339 or YYYY-MM-DD).") public var until: String?
        @Option(help: "At most this many.") public var limit: Int?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            var query: [(String, String)] = []
            for (key, value) in [("status", status), ("agent", agent), ("caller", caller), ("since", since),
                                 ("until", until), ("limit", limit.map(String.init))] {
                if let value { query.append((key, value)) }
            }
            let list = try await client.get([ConversationSummary].self, "/conversations", query: query)
            if options.json { return try prettyJSON(list) }
            var table = TextTable(["ID", "STATUS", "PHASE", "CALLER", "CALLEE", "AGENT", "STARTED", "EVENTS"])
            for item in list {
                table.add([item.id, item.status.rawValue, item.phase ?? "-", item.caller ?? "-", item.callee ?? "-",
                           item.agent ?? String(item.version.prefix(12)), TextTable.time(item.startedAt),
                           "\(item.eventCount)"])
            }
            return table.render()
        }
    }

    public struct History: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Show a conversation's full history.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The conversation id.") public var id: String
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let history = try await client.get(ConversationHistory.self,
                                               "/conversations/\(ControlClient.segment(id))/history")
            if options.json { return try prettyJSON(history) }
            let c = history.conversation
            var text = "\(c.id)  \(c.status.rawValue)  \(c.caller ?? "?") -> \(c.callee ?? "?")  version \(c.version)\n"
            var table = TextTable(["SEQ", "TIME", "KIND", "DETAIL"], maximumWidth: 72)
            for event in history.events {
                table.add(["\(event.sequence)", ControlJSON.formatTimestamp(event.time), event.body.kind,
                           Self.detail(event.body)])
            }
            text += table.render()
            for timer in history.timers {
                text += "timer \(timer.name) fires at \(ControlJSON.formatTimestamp(timer.fireAt))\n"
            }
            if let outcome = history.outcome {
                text += "ended: \(outcome.reason)" + (outcome.summary.map { " — \($0)" } ?? "") + "\n"
            }
            return text
        }

        static func detail(_ body: HistoryEvent.Body) -> String {
            switch body {
            case .started(let caller, let callee): "\(caller) -> \(callee)"
            case .signal(.transcript(let text, let isFinal)): "transcript\(isFinal ? "" : " (partial)"): \(text)"
            case .signal(.dtmf(let digit)): "dtmf \(digit)"
            case .signal(.hangUp): "hang-up"
            case .signal(.spoken): "agent finished speaking"
            case .signal(.bargeIn(let heard)): "barge-in, heard: \(heard)"
            case .signal(.toolResult(let id, let ok, let detail)): "tool \(id) \(ok ? "ok" : "failed"): \(detail)"
            case .signal(.conference(let room)): room.map { "joined conference \($0)" } ?? "left the conference"
            case .update(let id, .say(let text)): "#\(id) say: \(text)"
            case .update(let id, .transfer(let target)): "#\(id) transfer to \(target)"
            case .update(let id, .ask(let question)): "#\(id) ask: \(question)"
            case .timerFired(let timer): timer
            case .activityCompleted(let activity, let output):
                "\(activity) \(output.type): \(output.text)"
                    + (output.toolCalls.map { " [" + $0.map { "\($0.name) \($0.action)" }.joined(separator: ", ") + "]" } ?? "")
            case .activityFailed(let activity, let failure): "\(activity) \(failure.type): \(failure.message)"
            case .scopeExpired(let scope): scope
            case .cancelRequested, .snapshot: ""
            case .undecodable(_, let detail): detail
            }
        }
    }

    public struct Signal: ControlCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Send a signal: transcript TEXT [--partial], dtmf DIGIT, hangup, barge-in HEARD.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The conversation id.") public var id: String
        @Argument(help: "transcript, dtmf, hangup or barge-in.") public var kind: String
        @Argument(help: "The text, digit or heard text.") public var value: String?
        @Flag(help: "A partial transcript.") public var partial = false
        public init() {}

        func payload() throws(ControlClientError) -> SignalPayload {
            switch (kind, value) {
            case ("transcript", let text?): return .transcript(text: text, isFinal: !partial)
            case ("dtmf", let digit?): return .dtmf(digit: digit)
            case ("hangup", nil): return .hangUp
            case ("barge-in", let heard?): return .bargeIn(heard: heard)
            default:
                throw .usage("expected: transcript TEXT, dtmf DIGIT, hangup, or barge-in HEARD")
            }
        }

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let receipt = try await client.post(SignalReceipt.self, "/conversations/\(ControlClient.segment(id))/signals",
                                                body: try payload())
            return options.json ? try prettyJSON(receipt) : "signalled \(id) (\(receipt.eventCount) events)\n"
        }
    }

    public struct Update: ControlCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Run an update: say TEXT, transfer TARGET, ask QUESTION.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The conversation id.") public var id: String
        @Argument(help: "say, transfer or ask.") public var kind: String
        @Argument(help: "The text, target or question.") public var value: String
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let payload: UpdatePayload
            switch kind {
            case "say": payload = .say(text: value)
            case "transfer": payload = .transfer(target: value)
            case "ask": payload = .ask(question: value)
            default: throw .usage("expected say, transfer or ask, not \(kind)")
            }
            let result = try await client.post(UpdateResultPayload.self,
                                               "/conversations/\(ControlClient.segment(id))/updates", body: payload)
            if options.json { return try prettyJSON(result) }
            switch result {
            case .said(let turn): return "queued as turn \(turn)\n"
            case .transferring(let target): return "transferring to \(target)\n"
            case .answered(let text): return text + "\n"
            }
        }
    }

    public struct Query: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Run a query: turns, digits, status, state, pendingAction.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The conversation id.") public var id: String
        @Argument(help: "turns, digits, status, state or pendingAction.") public var name: String
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let result = try await client.get(
                QueryResult.self, "/conversations/\(ControlClient.segment(id))/queries/\(ControlClient.segment(name))")
            if options.json { return try prettyJSON(result) }
            switch result {
            case .turns(let turns):
                var table = TextTable(["TIME", "SPEAKER", "TEXT"], maximumWidth: 96)
                for turn in turns {
                    table.add([TextTable.time(turn.at), turn.speaker + (turn.interrupted ? " (cut)" : ""), turn.text])
                }
                return table.render()
            case .digits(let digits): return digits + "\n"
            case .status(let phase, let reason): return phase + (reason.map { " (\($0))" } ?? "") + "\n"
            case .state(let state): return try prettyJSON(state)
            case .pendingAction(let action):
                return action.map { "\($0.id) \($0.name): \($0.action) \($0.detail)\n" } ?? "nothing pending\n"
            }
        }
    }
}
