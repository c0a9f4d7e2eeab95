import Application
import Broker
import Crypto
import Domain
import EventStore
import Foundation
import Logging
import MarketData
import Strategy

/// Builds the trading system a role runs with: with no broker keys, the paper broker on the simulated
/// market; with `APCA_API_KEY_ID`/`APCA_API_SECRET_KEY`, Alpaca (paper URL unless `APCA_API_BASE_URL`
/// says otherwise).
public enum TradingAssembly {
    public struct Config: Sendable {
        public var funnel: FunnelConfiguration
        public var configHash: String
        public var risk: RiskParametersFile
    }

    public static func config(_ files: ProjectFiles, logger: Logger) throws -> Config {
        let tradingPath = files.config.appendingPathComponent("trading_config.yaml").path
        let funnel = try TradingConfigFile.loadScanner(tradingPath)
        let text = (try? Data(contentsOf: URL(fileURLWithPath: tradingPath))) ?? Data()
        let hash = SHA256.hash(data: text).map { String(format: "%02x", $0) }.joined()
        let risk = try RiskParametersFile(path: files.config.appendingPathComponent("risk_parameters.yaml").path, logger: logger)
        return Config(funnel: funnel, configHash: String(hash.prefix(16)), risk: risk)
    }

    /// A trading system on a simulated day. Ids come from the seed, so the same seed, date and schedule
    /// reproduce the same event stream.
    /// The world's incarnation is mixed into the id stream: a process that resumes a day on a ledger that
    /// already holds events would otherwise reuse the first run's command ids.
    public static func simulated(
        world: some TradingWorld, store: any EventStore, config: Config, account: AccountID = AccountID(rawValue: "sim"), logger: Logger,
        capture: (any MarketCaptureStore)? = nil
    ) -> TradingSystem {
        // The id stream depends on the seed and the day, so successive simulated days never reuse ids.
        let day = world.session.date
        let daySeed = world.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(day.year * 10_000 + day.month * 100 + day.day)
        let log = EventLog(store: store, ids: SeededIDGenerator(seed: daySeed ^ (world.incarnation &* 0xD6E8_FEB8_6659_FD93)))
        return TradingSystem(
            log: log, broker: world.broker, market: world.source, clock: world.clock,
            configuration: TradingConfiguration(account: account, funnel: config.funnel, configHash: config.configHash),
            riskParameters: config.risk, logger: logger, capture: capture)
    }
}
