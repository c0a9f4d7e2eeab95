import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks. Build with `swift build -c release` and run .build/release/catalyst bench …",
        subcommands: [AppendBench.self, PartitionBench.self, ReadBench.self, BenchRebuildCommand.self, ArchiveBench.self, BenchFunnelCommand.self, BenchIndicatorsCommand.self, BenchCycleCommand.self, BenchRiskCommand.self, BenchLabelCommand.self, BenchPeersCommand.self, BenchHTTPCommand.self, BenchRecordedCommand.self]
    )
}
