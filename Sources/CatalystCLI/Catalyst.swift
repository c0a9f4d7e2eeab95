import ArgumentParser

@main
struct Catalyst: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalyst",
        abstract: "Catalyst Ledger: an event-sourced trading ledger.",
        subcommands: [IndicatorsCommand.self, BenchCommand.self]
    )
}
