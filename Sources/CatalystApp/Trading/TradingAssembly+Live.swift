import Application
import Broker
import Domain
import EventStore
import Foundation
import Logging
import MarketData

extension TradingAssembly {
    /// Whether the environment asks for Alpaca (either key set; a half configuration is then refused by
    /// `live`, never silently simulated).
    public static func hasBrokerKeys(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment["APCA_API_KEY_ID"] ?? "").isEmpty || !(environment["APCA_API_SECRET_KEY"] ?? "").isEmpty
    }

    /// The live trading system: Alpaca for orders and market data (`APCA_API_KEY_ID`,
    /// `APCA_API_SECRET_KEY`, `APCA_API_BASE_URL` — paper by default — and `APCA_DATA_BASE_URL`), the
    /// wall clock, random ids, and the sector map of `config/sectors.csv`.
    public static func live(
        store: any EventStore, config: Config, files: ProjectFiles, account: AccountID = AccountID(rawValue: "alpaca"),
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> TradingSystem {
        let found: AlpacaTradingConfiguration?
        do { found = try AlpacaTradingConfiguration.fromEnvironment(environment) } catch { throw CatalystError.setup("\(error)") }
        guard let trading = found else { throw CatalystError.setup("APCA_API_KEY_ID and APCA_API_SECRET_KEY are not set") }
        let sectors = try SectorMapFile.load(files.config.appendingPathComponent("sectors.csv").path)
        let dataURL = try environment["APCA_DATA_BASE_URL"].map { text -> URL in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw CatalystError.invalidInput(field: "APCA_DATA_BASE_URL", reason: "not an http(s) URL: \(text)")
            }
            return url
        }
        let data = AlpacaConfiguration(
            dataBaseURL: dataURL ?? URL(string: "https://data.alpaca.markets")!, tradingBaseURL: trading.baseURL, keyID: trading.keyID,
            secretKey: trading.secretKey, sectors: sectors)
        return TradingSystem(
            log: EventLog(store: store), broker: AlpacaBroker(configuration: trading), market: AlpacaMarketData(configuration: data),
            clock: SystemLedgerClock(), configuration: TradingConfiguration(account: account, funnel: config.funnel, configHash: config.configHash),
            riskParameters: config.risk, logger: logger)
    }
}
