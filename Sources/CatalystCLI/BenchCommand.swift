import ArgumentParser

/// `catalyst bench …`: benchmarks, meant for a release build (`swift build -c release`).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (use a release build).",
        subcommands: [BenchFunnelCommand.self, BenchIndicatorsCommand.self]
    )
}
