import ArgumentParser
import Control
import Foundation
import Logging
import ParleyConfig
import Switch

/// The `parley` command: composition root only. It reads the configuration, builds the modules
/// and wires them together; all behaviour lives in the libraries.
@main
struct Parley: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "A SIP softswitch with a built-in AI voice agent.",
        subcommands: [
            Run.self, CheckConfig.self, Bench.self,
            // Clients of a running Parley's control API (--url, --token, --json).
            CallsCommand.self, CallCommand.self, RoomsCommand.self, RegistrationsCommand.self, TrunksCommand.self,
            ConversationCommand.self, AgentsCommand.self, CDRCommand.self, EventsCommand.self,
        ],
        defaultSubcommand: Run.self)
}

struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file.")
    var config: String = "conf/parley.yaml"

    func load() throws -> ParleyConfiguration {
        do {
            return try ParleyConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("parley: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Validates a configuration file and exits (0 when valid, 2 with `file:line: reason` when not).
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration file.")
    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        print("\(config.source): OK (\(config.dialplan.count) extensions)")
    }
}
