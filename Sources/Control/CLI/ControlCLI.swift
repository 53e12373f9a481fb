import ArgumentParser
import Dispatch
import Foundation

/// `parley control ...`: the command-line client of the control API. The lead adds
/// `ControlCLI` to `parley`'s subcommands (or its subcommands one by one). Every command takes
/// `--url` (or `PARLEY_API_URL`, default http://127.0.0.1:8089), `--token` (or
/// `PARLEY_API_TOKEN`) and `--json` (print the API's JSON instead of a table).
public struct ControlCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Talk to a running Parley through its control API.",
        subcommands: [
            CallsCommand.self, CallCommand.self, RoomsCommand.self, RegistrationsCommand.self, TrunksCommand.self,
            ConversationCommand.self, AgentsCommand.self, CDRCommand.self, EventsCommand.self,
        ])

    public init() {}
}

/// The connection options every command shares.
public struct ClientOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "Control API base URL (default: $PARLEY_API_URL or http://127.0.0.1:8089).")
    public var url: String?

    @Option(name: .long, help: "Bearer token (default: $PARLEY_API_TOKEN).")
    public var token: String?

    @Flag(name: .long, help: "Print the API's JSON instead of a table.")
    public var json = false

    public init() {}

    public func makeClient(environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(ControlClientError) -> ControlClient {
        let base = url ?? environment["PARLEY_API_URL"] ?? "http://127.0.0.1:\(ControlConfiguration.defaultPort)"
        return try ControlClient(baseURL: base, token: token ?? environment["PARLEY_API_TOKEN"])
    }
}

/// A command that talks to the API. `execute` does the work and returns what to print, so
/// tests run commands in-process; `run` (what ArgumentParser calls) prints it.
public protocol ControlCommand: ParsableCommand, Sendable {
    var options: ClientOptions { get }
    func execute(with client: ControlClient) async throws(ControlClientError) -> String
}

extension ControlCommand {
    public func run() throws {
        let client = try options.makeClient()
        let command = self
        let output = try BlockingRunner.run { () async throws(ControlClientError) -> String in
            try await command.execute(with: client)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// Pretty JSON of what the API returned, for `--json`.
    func prettyJSON(_ value: some Encodable) throws(ControlClientError) -> String {
        do {
            return String(decoding: try ControlJSON.encode(value, pretty: true), as: UTF8.self) + "\n"
        } catch {
            throw .invalidResponse("cannot print JSON: \(error)")
        }
    }
}

/// Runs async work from a synchronous `run()`: `parley`'s root command is synchronous, and a
/// synchronous root cannot have asynchronous subcommands. The caller's thread (the main
/// thread of the CLI) waits; the work runs on the cooperative pool.
enum BlockingRunner {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws(ControlClientError) -> T)
    throws(ControlClientError) -> T {
        let box = ControlLock<Result<T, ControlClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, ControlClientError>
            do throws(ControlClientError) {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = box.withLock({ $0 }) else { throw .connection("the command did not finish") }
        return try result.get()
    }
}
