import ArgumentParser
import Control
import Dispatch
import Foundation
import Logging
import ParleyConfig
import Switch

/// Runs the switch in the foreground until SIGINT or SIGTERM.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the switch (the default).")
    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (overrides the file).")
    var logLevel: String?

    func run() throws {
        let config = try options.load()
        let levelName = logLevel ?? config.logLevel
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("unknown log level '\(levelName)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "parley")
        do {
            try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
        } catch {
            logger.critical("cannot create the data directory \(config.dataDirectory.path): \(error)")
            throw ExitCode(1)
        }

        // One registry for the whole process: the agents measure into it, `GET /metrics` reads it.
        let metrics = ParleyMetrics()
        let agents: AgentSetup
        do {
            agents = try AgentSetup(config: config, metrics: metrics, logger: logger)
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("parley: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch {
            logger.critical("cannot start the agents: \(error)")
            throw ExitCode(1)
        }
        let parley: Switch
        let control: ControlSetup
        do {
            parley = try Switch(configuration: config, logger: logger, agents: agents.services)
            control = try ControlSetup(config: config, parley: parley, agents: agents, metrics: metrics, logger: logger)
            try parley.start()
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("parley: \(error.description)\n".utf8))
            agents.shutdown()
            throw ExitCode(2)
        } catch {
            logger.critical("cannot start: \(error)")
            agents.shutdown()
            throw ExitCode(1)
        }
        let apiURL: String?
        do {
            apiURL = try control.start()
        } catch {
            logger.critical("cannot start the control API: \(error) (change control.port, or set control.enabled: false)")
            parley.shutdown()
            control.finish()
            agents.shutdown()
            throw ExitCode(1)
        }
        printBanner(config, apiURL: apiURL)
        logger.info("parley started", metadata: ["sip": "\(config.sip.listen):\(config.sip.port)", "config": "\(config.source)"])

        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        logger.info("stopping", metadata: ["calls": "\(parley.activeCalls)"])
        control.stopServer()
        parley.shutdown()
        control.finish()
        agents.shutdown()
        logger.info("stopped", metadata: ["calls-handled": "\(parley.callsHandled)"])
        _ = sources
    }

    private func printBanner(_ config: ParleyConfiguration, apiURL: String?) {
        let host = config.sip.listen.contains(":") ? "[\(config.sip.listen)]" : config.sip.listen
        var lines = ["Parley is listening on sip:\(host):\(config.sip.port) (UDP and TCP). Dial:"]
        for ext in config.dialplan {
            let what: String
            switch ext.action {
            case .echo: what = "echo test: hear yourself"
            case .playback(let sound, let loop, _): what = "plays \(sound)\(loop ? " in a loop" : "")"
            }
            lines.append("  sip:\(ext.number)@\(host):\(config.sip.port)  \(what)")
        }
        for rule in config.dialplanRules {
            guard case .exact(let number) = rule.match, case .agent(let name) = rule.target else { continue }
            lines.append("  sip:\(number)@\(host):\(config.sip.port)  the AI agent '\(name)' (offline speech)")
        }
        if !config.users.isEmpty {
            let demo = config.users.filter(\.isDemo).map(\.number)
            var line = "Phones can register as \(config.users.count) users (realm \(config.sip.realm))"
            if let first = demo.first, let last = demo.last {
                line += "; demo users \(first)–\(last) use the password demo<extension>, e.g. demo\(first)"
            }
            lines.append(line + ", and call each other by extension.")
        }
        if let apiURL {
            lines.append("Live calls and their timelines: \(apiURL)/ (the control API; try `parley calls`).")
        }
        lines.append("Press Ctrl-C to stop.")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
