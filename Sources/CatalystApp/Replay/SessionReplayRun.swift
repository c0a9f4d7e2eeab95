import Application
import Domain
import EventStore
import Foundation
import Logging

/// `catalyst session replay`: a live day's cycles decided again on their captured market data, with the
/// trading configuration in force now (`config/trading_config.yaml`; a cycle recorded under another
/// configuration hash is reported as such).
public enum SessionReplayRun {
    public static func run(date: NYDate, store: any EventStore, dataset: MarketDataset, files: ProjectFiles, logger: Logger) async throws
        -> SessionReplayReport
    {
        let config = try TradingAssembly.config(files, logger: logger)
        let configuration = TradingConfiguration(account: AccountID(rawValue: "replay"), funnel: config.funnel, configHash: config.configHash)
        return try await SessionReplay(store: store, capture: FileMarketCaptureStore(dataset: dataset), configuration: configuration).run(date: date)
    }
}
