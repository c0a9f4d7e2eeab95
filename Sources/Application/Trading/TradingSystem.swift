import Broker
import Domain
import EventStore
import Foundation
import Logging
import MarketData
import Strategy

/// Where the current risk limits come from (the watched `config/risk_parameters.yaml`, or a fixed value
/// in tests). A change that takes effect is appended as `risk.parameters_changed`.
public protocol RiskParametersSource: Sendable {
    func current() -> RiskParameters
    /// Where the values come from, recorded with the change (e.g. the file path).
    var sourceDescription: String { get }
}

public struct FixedRiskParameters: RiskParametersSource {
    public let parameters: RiskParameters
    public var sourceDescription: String { "fixed" }
    public init(_ parameters: RiskParameters = RiskParameters()) { self.parameters = parameters }
    public func current() -> RiskParameters { parameters }
}

/// Settings of the trading workflow that are not risk limits.
public struct TradingConfiguration: Sendable {
    public var account: AccountID
    public var funnel: FunnelConfiguration
    /// Hash of the trading configuration in force, recorded with every cycle.
    public var configHash: String
    public var entryType: OrderType = .limit
    public var entryTimeInForce: TimeInForce = .day
    /// Supervised approvals not answered within this expire.
    public var approvalTimeout: TimeInterval = 300
    public var maxHoldMinutes = 180
    public var flattenMinutesBeforeClose = 15
    /// Candidates that reached this stage are observed after the decision (ML labels for untraded ones).
    public var observedStage: FunnelStage = .technical
    /// Daily bars fetched for stage 1 (average volume, previous close) and correlations.
    public var dailyHistoryDays = 30

    public init(account: AccountID, funnel: FunnelConfiguration, configHash: String) {
        self.account = account
        self.funnel = funnel
        self.configHash = configHash
    }
}

/// Everything the command handlers share: the log, the broker and market data ports, the clock, ids
/// and configuration. One per process.
public final class TradingSystem: Sendable {
    public let log: EventLog
    public let runner: DeciderRunner
    public let broker: any Broker
    public let market: any MarketDataSource
    public let clock: any LedgerClock
    public let configuration: TradingConfiguration
    public let riskParameters: any RiskParametersSource
    public let directory: LedgerDirectory
    public let gate: TradingGate
    public let logger: Logger
    /// The broker execution feed's cursor and pending halts (see `FillIngestor`).
    public let fillFeed = FillFeedState()
    /// Symbols the position monitor records prices of for ML labels: each cycle's candidates that reached
    /// `configuration.observedStage`, registered by the cycle itself so every process that runs cycles observes.
    public let observations = ObservationRegistry()
    /// The universe's static facts (sector, tradability), read once from `market`.
    public let securities: SecurityDirectory
    /// Where cycles keep the market data they decided on (live trading), for `catalyst session replay`.
    public let capture: (any MarketCaptureStore)?

    public init(
        log: EventLog, broker: any Broker, market: any MarketDataSource, clock: any LedgerClock, configuration: TradingConfiguration,
        riskParameters: any RiskParametersSource, logger: Logger = Logger(label: "catalyst.trading"), requireStartupReconciliation: Bool = true,
        capture: (any MarketCaptureStore)? = nil
    ) {
        self.capture = capture
        self.log = log
        self.runner = DeciderRunner(log: log)
        self.broker = broker
        self.market = market
        self.securities = SecurityDirectory(market: market)
        self.clock = clock
        self.configuration = configuration
        self.riskParameters = riskParameters
        self.directory = LedgerDirectory(log: log)
        self.gate = TradingGate(open: !requireStartupReconciliation)
        self.logger = logger
    }

    public var account: AccountID { configuration.account }
    public var ids: any IDGenerator { log.ids }

    /// A context for a new command from `actor`, now.
    public func context(_ actor: Actor, correlationID: UUID? = nil) -> CommandContext {
        CommandContext(actor: actor, commandID: ids.uuid(), correlationID: correlationID ?? ids.uuid(), now: clock.now())
    }

    /// The New York trading date of an instant.
    public func tradingDate(_ at: Date) -> NYDate { NYDate(at) }
}

/// Trading stays halted in a process until its start-up reconciliation with the broker has passed: a
/// restart must not trade on a ledger that may have missed fills while it was down.
public final class TradingGate: Sendable {
    private let state: Mutex<(open: Bool, reason: String)>

    init(open: Bool) { state = Mutex((open, open ? "" : "start-up reconciliation has not passed yet")) }

    public var isOpen: Bool { state.withLock { $0.open } }
    public var reason: String { state.withLock { $0.reason } }

    /// Refuses new risk (a cycle, a manual entry, a supervised grant) while the gate is closed. Exits
    /// are never gated: closing risk on an unreconciled ledger is always allowed.
    public func requireOpen() throws(ApplicationError) {
        let (open, reason) = state.withLock { ($0.open, $0.reason) }
        guard open else { throw .refused(code: "reconciliation_pending", message: reason) }
    }

    func open() { state.withLock { $0 = (true, "") } }
    func close(_ reason: String) { state.withLock { $0 = (false, reason) } }
}

import Synchronization
