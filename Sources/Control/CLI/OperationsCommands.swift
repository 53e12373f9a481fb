import ArgumentParser
import Foundation

/// `control agents list|validate FILE`.
public struct AgentsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "List agent definitions or validate a definition file.",
        subcommands: [List.self, Validate.self])
    public init() {}

    public struct List: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "List agents and their versions.")
        @OptionGroup public var options: ClientOptions
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let agents = try await client.get([AgentSummary].self, "/agents")
            if options.json { return try prettyJSON(agents) }
            var table = TextTable(["AGENT", "CURRENT", "VERSIONS", "DESCRIPTION"])
            for agent in agents {
                table.add([agent.name, String(agent.currentVersion.prefix(16)), "\(agent.versions.count)",
                           agent.description ?? ""])
            }
            return table.render()
        }
    }

    public struct Validate: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Validate an agent definition file.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The YAML file.") public var file: String
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            guard let data = FileManager.default.contents(atPath: file),
                  let content = String(data: data, encoding: .utf8) else {
                throw .usage("cannot read \(file) as UTF-8 text")
            }
            let source = AgentDefinitionText(fileName: (file as NSString).lastPathComponent, content: content)
            let report = try await client.post(AgentValidationReport.self, "/agents/validate", body: source)
            if options.json { return try prettyJSON(report) }
            if report.valid {
                return "\(file): valid" + (report.version.map { ", version \($0)" } ?? "") + "\n"
            }
            var text = "\(file): \(report.problems.count) problem(s)\n"
            for problem in report.problems {
                let location = [problem.line.map { "line \($0)" }, problem.column.map { "column \($0)" }, problem.path]
                    .compactMap { $0 }.joined(separator: ", ")
                text += "  " + (location.isEmpty ? "" : location + ": ") + problem.message + "\n"
            }
            return text
        }
    }
}

/// `control cdr list|export`: call detail records.
public struct CDRCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cdr", abstract: "List or export call detail records.", subcommands: [List.self, Export.self])
    public init() {}

    /// The filters both subcommands take.
    public struct Filters: ParsableArguments, Sendable {
        @Option(help: "Started at or after (RFC 3339 or YYYY-MM-DD).") public var since: String?
        @Option(help: "Started before (RFC 3339 or YYYY-MM-DD).") public var until: String?
        @Option(help: "Part of the caller.") public var from: String?
        @Option(help: "Part of the callee.") public var to: String?
        @Option(help: "Trunk name.") public var trunk: String?
        @Option(help: "answered, no_answer, busy, rejected, cancelled, failed.") public var disposition: String?
        @Option(help: "At most this many records.") public var limit: Int?
        public init() {}

        var query: [(String, String)] {
            [("since", since), ("until", until), ("from", from), ("to", to), ("trunk", trunk),
             ("disposition", disposition), ("limit", limit.map(String.init))].compactMap { key, value in
                value.map { (key, $0) }
            }
        }
    }

    public struct List: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "List call records, newest first.")
        @OptionGroup public var options: ClientOptions
        @OptionGroup public var filters: Filters
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let records = try await client.get([CallRecord].self, "/cdrs", query: filters.query)
            if options.json { return try prettyJSON(records) }
            var table = TextTable(["CALL", "FROM", "TO", "STARTED", "TALK", "DISPOSITION", "MOS"])
            for record in records {
                table.add([record.callID.rawValue, record.from, record.to, TextTable.time(record.startedAt),
                           TextTable.duration(record.billableSeconds), record.disposition.rawValue,
                           record.quality.map { String(format: "%.2f", $0.mos) } ?? "-"])
            }
            return table.render()
        }
    }

    public struct Export: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Export call records as CSV (or JSON).")
        @OptionGroup public var options: ClientOptions
        @OptionGroup public var filters: Filters
        @Option(help: "csv or json.") public var format = "csv"
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") public var output: String?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            guard format == "csv" || format == "json" else { throw .usage("--format must be csv or json") }
            let response = try await client.send(.GET, "/cdrs", query: filters.query + [("format", format)])
            guard let output else { return response.text }
            guard FileManager.default.createFile(atPath: output, contents: response.body) else {
                throw .usage("cannot write \(output)")
            }
            return "wrote \(response.body.count) bytes to \(output)\n"
        }
    }
}

/// `control events`: follow the live event stream.
public struct EventsCommand: ControlCommand {
    public static let configuration = CommandConfiguration(commandName: "events", abstract: "Follow live events.")
    @OptionGroup public var options: ClientOptions
    @Option(help: "Comma-separated event types.") public var types: String?
    @Option(help: "Only this call.") public var call: String?
    @Option(help: "Stop after this many events.") public var count: Int?
    public init() {}

    public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
        let query = [("types", types), ("call", call)].compactMap { key, value in value.map { (key, $0) } }
        let lines = ControlLock<[String]>([])
        let limit = count
        let json = options.json
        try await client.stream("/events", query: query) { message in
            guard message.event != "dropped" else {
                lines.withLock { $0.append("(\(message.data) dropped: this client is too slow)") }
                return true
            }
            let line: String
            if json {
                line = message.data
            } else if let envelope = try? ControlJSON.decode(ControlEventEnvelope.self, from: Data(message.data.utf8)) {
                line = Self.describe(envelope)
            } else {
                line = message.data
            }
            // Without --count the command runs until interrupted, printing as it goes.
            if limit == nil { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            let total = lines.withLock { lines -> Int in
                lines.append(line)
                return lines.count
            }
            return limit.map { total < $0 } ?? true
        }
        return limit == nil ? "" : lines.withLock { $0.joined(separator: "\n") } + "\n"
    }

    static func describe(_ envelope: ControlEventEnvelope) -> String {
        let context = [envelope.callID.map { "call \($0)" }, envelope.conversationID.map { "conv \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        let detail: String
        switch envelope.event {
        case .callIncoming(let from, let to, _): detail = "\(from) -> \(to)"
        case .callAnswered: detail = ""
        case .callEnded(let disposition, let reason): detail = disposition + (reason.map { " (\($0))" } ?? "")
        case .transcript(let text, let isFinal): detail = (isFinal ? "" : "… ") + text
        case .agentSpeaking(let text): detail = text
        case .agentInterrupted(let heard): detail = "heard: \(heard)"
        case .toolCallStarted(let tool, _, let arguments): detail = tool + (arguments.map { " \($0)" } ?? "")
        case .toolCallFinished(let tool, _, let ok, let result):
            detail = "\(tool) \(ok ? "ok" : "failed")" + (result.map { ": \($0)" } ?? "")
        case .workflowEvent(let kind, let what, let firesAt):
            detail = kind + (what.map { " \($0)" } ?? "") + (firesAt.map { " due \(ControlJSON.formatTimestamp($0))" } ?? "")
        case .dtmf(let digit): detail = digit
        case .holdProgress(let stage): detail = stage.rawValue
        case .transferProgress(let stage, let target): detail = "\(stage.rawValue) \(target)"
        case .registrationChanged(let user, let contact, let change): detail = "\(user) \(change.rawValue) \(contact)"
        }
        return "\(ControlJSON.formatTimestamp(envelope.time)) \(envelope.event.type) \(context) \(detail)"
            .trimmingCharacters(in: .whitespaces)
    }
}
