import ArgumentParser

@main
struct Catalyst: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalyst",
        abstract: "Catalyst Ledger: an event-sourced trading ledger for momentum/news-catalyst day trading.",
        discussion: """
            With no DATABASE_URL every command uses a private PostgreSQL cluster in .catalyst/ (or $CATALYST_HOME). \
            With no broker keys the paper broker trades on the simulated market.
            """,
        subcommands: [DB.self, Migrate.self, Project.self, Projections.self, Audit.self, Archive.self, Session.self, Demo.self, IndicatorsCommand.self, Bench.self, Serve.self, CycleCommand.self, HaltCommand.self, ResumeCommand.self, PositionsCommand.self, OrdersCommand.self, EventsCommand.self, MCPCommand.self, Replay.self, DoctorCommand.self, PrincipalsCommand.self, WhoAmI.self, RiskCommand.self, Restore.self, ConfigCommand.self, DataCommand.self, HACommand.self]
    )
}
