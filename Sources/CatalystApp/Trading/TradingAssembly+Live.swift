import Application
import Broker
import Domain
import EventStore
import Foundation
import Logging
import MarketData

extension TradingAssembly {
    /// The live trading system: Alpaca for orders and market data (the keys, hosts and patience of
    /// `configuration`), the wall clock, random ids, and the sector map of `config/sectors.csv`. With
    /// `catalyst.capture` on (the default), every cycle keeps the market data it decided on.
    public static func live(
        store: any EventStore, config: Config, files: ProjectFiles, configuration: CatalystConfiguration,
        account: AccountID? = nil, logger: Logger
    ) throws -> TradingSystem {
        // The account of config/accounts.yaml this process serves, else the one account ("alpaca").
        let account = account ?? AccountID(rawValue: configuration.account ?? "alpaca")
        guard let trading = try configuration.alpaca else { throw CatalystError.setup("APCA_API_KEY_ID and APCA_API_SECRET_KEY are not set") }
        return TradingSystem(
            log: EventLog(store: store), broker: AlpacaBroker(configuration: trading),
            market: try alpacaMarketData(trading: trading, files: files, configuration: configuration),
            clock: SystemLedgerClock(), configuration: TradingConfiguration(account: account, funnel: config.funnel, configHash: config.configHash),
            riskParameters: config.risk, logger: logger,
            capture: configuration.capture ? FileMarketCaptureStore(dataset: configuration.dataset) : nil)
    }

    /// Alpaca's market-data client with the trading client's keys, the configured data host and the
    /// sector map of `config/sectors.csv` (Alpaca's asset list has no sector).
    public static func alpacaMarketData(
        trading: AlpacaTradingConfiguration, files: ProjectFiles, configuration: CatalystConfiguration
    ) throws -> AlpacaMarketData {
        let sectors = try SectorMapFile.load(files.config.appendingPathComponent("sectors.csv").path)
        var data = AlpacaConfiguration(tradingBaseURL: trading.baseURL, keyID: trading.keyID, secretKey: trading.secretKey, sectors: sectors)
        if let url = configuration.marketDataURL { data.dataBaseURL = url }
        return AlpacaMarketData(configuration: data)
    }
}
