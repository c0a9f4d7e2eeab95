import Domain
import Foundation

/// `replay what-if`: runs the risk decider again over every decision recorded in the account's risk day
/// streams, with other risk parameters, and says how the day's decisions and P&L would have changed.
/// Pure: it folds recorded events (in reader order) and returns a report; it never appends anything.
///
/// How a day is re-run (`WhatIfDay`): the recorded risk stream is walked in order with a second risk
/// book opened on the new parameters. Each recorded decision is decided again from the inputs it recorded
/// (`risk.*` v2 `inputs`: proposal prices, account snapshot, correlations, tradability, session, the
/// cycle's own caps). Fills of entries that are still approved are applied (scaled when the new
/// parameters size them differently, with their exits); fills of entries now denied are dropped; entries
/// that are newly approved are priced from the prices recorded after the decision (`EstimatedTrade`).
/// Loss warnings and loss-limit halts are derived again by the decider; other halts and resumes are kept.
public struct WhatIf: Sendable {
    public struct Options: Sendable {
        /// Maps the parameters recorded for a day to the what-if ones.
        public var adjust: @Sendable (RiskParameters) throws -> RiskParameters
        public var from: NYDate?
        public var to: NYDate?
        /// The position monitor's maximum hold and flatten time, applied to estimated trades.
        public var maxHold: TimeInterval
        public var flattenBeforeClose: TimeInterval

        public init(
            adjust: @escaping @Sendable (RiskParameters) throws -> RiskParameters, from: NYDate? = nil, to: NYDate? = nil, maxHold: TimeInterval = 180 * 60,
            flattenBeforeClose: TimeInterval = 15 * 60
        ) {
            self.adjust = adjust
            self.from = from
            self.to = to
            self.maxHold = maxHold
            self.flattenBeforeClose = flattenBeforeClose
        }
    }

    /// The event types what-if reads; everything else can be skipped without decoding.
    public static let eventTypes: Set<String> = [
        Risk.DayOpened.eventType, Risk.ParametersChanged.eventType, Risk.Approved.eventType, Risk.Denied.eventType,
        Risk.ApprovalReleased.eventType, Risk.FillRecorded.eventType, Risk.MarksRecorded.eventType, Risk.DailyLossWarning.eventType,
        Risk.TradingHalted.eventType, Risk.TradingResumed.eventType, Observation.CandidatePrices.eventType,
    ]

    struct Recorded: Sendable {
        var event: Risk.Event
        var position: Int64
    }

    public let options: Options
    private var streams: [String: [Recorded]] = [:]
    private var streamOrder: [String] = []
    private var paths: [Symbol: PricePath] = [:]
    public private(set) var eventsConsumed = 0

    public init(options: Options) { self.options = options }

    /// Folds one event of stream `streamID` at global log `position`.
    public mutating func consume(_ event: LedgerEvent, streamID: String, position: Int64) {
        eventsConsumed += 1
        switch event {
        case .risk(let e):
            if case .marksRecorded(let m) = e {
                for mark in m.marks {
                    paths[mark.symbol, default: PricePath()].append(PricePoint(at: m.markedAt, position: position, last: mark.price.value))
                }
            }
            if streams[streamID] == nil { streamOrder.append(streamID) }
            streams[streamID, default: []].append(Recorded(event: e, position: position))
        case .observation(.candidatePrices(let o)):
            for p in o.prices {
                paths[p.symbol, default: PricePath()].append(
                    PricePoint(at: o.observedAt, position: position, last: p.last.value, dayHigh: p.high?.value, dayLow: p.low?.value))
            }
        default:
            break
        }
    }

    /// Re-runs every recorded day (in the order their streams began) and reports. Throws what `adjust` throws.
    public func report() throws -> WhatIfReport {
        var paths = self.paths
        for k in paths.keys { paths[k]!.finish() }
        var report = WhatIfReport()
        var carry = WhatIfDay.Carry()
        for id in streamOrder {
            guard let events = streams[id], case .dayOpened(let opened)? = events.first?.event else { continue }
            if let from = options.from, opened.date < from { continue }
            if let to = options.to, opened.date > to { continue }
            var day = try WhatIfDay(opened: opened, options: options, paths: paths, carry: carry)
            for r in events { day.apply(r) }
            report.days.append(day.finish())
            carry = day.carry
        }
        return report
    }
}
