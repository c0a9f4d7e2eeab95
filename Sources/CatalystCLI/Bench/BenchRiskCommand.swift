import Application
import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import Logging

/// `catalyst bench risk`: the latency of one risk decision and its append, through the real command
/// handler (ExecuteTrade by a named operator: load the day's risk stream and the inputs, decide, append
/// the approval or the denial with the expected version; an approval also places the order with the
/// paper broker), over liquid symbols of the simulated market, in a scratch database.
struct BenchRiskCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Time single risk decisions plus their append (approvals and denials separately).")

    @Option(help: "Simulated market seed.") var seed: UInt64 = 42
    @Option(help: "Symbols in the simulated universe.") var symbols: Int = 4000
    @Option(help: "Trading date (New York).") var date: String = "2025-03-14"
    @Option(help: "Risk decisions to time.") var decisions: Int = 300

    func execute(_ configuration: CatalystConfiguration) async throws {
        guard let day = NYDate(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
        guard decisions > 0 else { throw ValidationError("--decisions must be positive") }
        var logger = Logger(label: "bench.risk")
        logger.logLevel = .error
        let db = try await BenchDatabase.fresh(configuration: configuration)
        let store = PostgresEventStore(conninfo: db.conninfo, connections: 4, logger: logger)
        let config = try TradingAssembly.config(try configuration.files, logger: logger)
        let at = day.at(hour: 11, minute: 0)
        let world = try SimulatedWorld(date: day, seed: seed, symbolCount: symbols, start: at)
        let system = TradingAssembly.simulated(world: world, store: store, config: config, logger: logger)
        _ = try await Reconciler(system: system).run(.startup, context: system.context(.system))

        let universe = try await world.market.universe().filter(\.tradable)
        let snapshots = try await world.market.snapshots(for: universe.map(\.symbol), asOf: at)
        let priced = universe.compactMap { s -> (Symbol, Decimal)? in
            guard let p = snapshots[s.symbol]?.lastPrice.value, p >= 5, p <= 200 else { return nil }
            return (s.symbol, p)
        }
        guard !priced.isEmpty else { throw ValidationError("no liquid symbols at \(date) 11:00") }
        print("bench risk: \(decisions) ExecuteTrade decisions over \(priced.count) liquid symbols, \(date) 11:00 New York")

        let operations = TradingOperations(system: system)
        var approved: [Double] = []
        var denied: [Double] = []
        for i in 0..<decisions {
            let (symbol, price) = priced[i % priced.count]
            let request = TradingOperations.TradeRequest(
                symbol: symbol.rawValue, side: "long", quantity: nil, entry: price * Decimal(string: "1.002")!,
                stop: price * Decimal(string: "0.98")!, target: price * Decimal(string: "1.05")!)
            let context = system.context(Actor.principal("bench", kind: .human, name: "bench"))
            let (outcome, ms) = try await BenchSupport.timed { try await operations.executeTrade(request, placeAtOnce: true, context: context) }
            switch outcome {
            case .placed, .awaitingApproval: approved.append(ms)
            case .denied: denied.append(ms)
            }
        }
        for (name, xs) in [("approvals (decide, append, place with the paper broker)", approved), ("denials (decide, append)", denied)] where !xs.isEmpty {
            print(String(
                format: "  %@: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms", name, xs.count,
                BenchSupport.percentile(xs, 0.5), BenchSupport.percentile(xs, 0.99), xs.max()!))
        }
    }
}
