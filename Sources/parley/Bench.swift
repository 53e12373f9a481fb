import ArgumentParser

/// `parley bench …`: benchmarks whose last output line is one JSON object.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark; the last line printed is one JSON object.",
        subcommands: [])
}
