import Domain
import Foundation

/// What `replay what-if` found: per recorded day, every risk decision as it was and as it would have
/// been under the other parameters, and the day's figures both ways.
public struct WhatIfReport: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case approved(quantity: Decimal)
        case denied([String])
        /// A v1 decision: its inputs were not recorded, so it is kept as it was.
        case kept

        public var text: String {
            switch self {
            case .approved(let q): "approved \(DecimalText.format(q))"
            case .denied(let codes): "denied " + codes.joined(separator: ";")
            case .kept: "kept (inputs not recorded)"
            }
        }
    }

    public struct Decision: Sendable, Equatable {
        public var at: Date
        public var approvalID: String
        public var symbol: String
        public var side: PositionSide
        public var original: Verdict
        public var whatIf: Verdict
        /// A kept decision (no recorded inputs) is not a change.
        public var changed: Bool { whatIf != .kept && original != whatIf }
    }

    /// A trade the recorded day did not make, priced from the prices the ledger recorded after the
    /// decision: entry at the limit when a later price reached it, exit at the stop or target when a later
    /// price crossed it, else at the last price before the flatten time or the maximum hold.
    public struct EstimatedTrade: Sendable, Equatable {
        public var approvalID: String
        public var symbol: String
        public var side: PositionSide
        public var quantity: Decimal
        public var entry: Decimal?
        public var enteredAt: Date?
        public var exit: Decimal?
        public var exitedAt: Date?
        /// `target`, `stop`, `max_hold`, `flatten`, `halt`, or `not_filled` (the limit was never reached).
        public var exitReason: String
        public var realized: Decimal?
    }

    public struct Figures: Sendable, Equatable {
        public var approvals = 0
        public var denials = 0
        /// Entries that received at least one fill.
        public var tradesFilled = 0
        public var realizedPnL: Decimal = 0
        /// Realized + unrealized at the last mark of the day.
        public var dailyPnL: Decimal = 0
        public var halted: String?
    }

    public struct Day: Sendable, Equatable {
        public var date: NYDate
        public var originalParametersHash: String
        public var whatIfParametersHash: String
        public var decisions: [Decision] = []
        public var estimatedTrades: [EstimatedTrade] = []
        public var original = Figures()
        public var whatIf = Figures()
        /// `risk.parameters_changed` events of the day: the what-if keeps its parameters all day.
        public var parameterChangesIgnored = 0
    }

    public var days: [Day] = []

    public var changedDecisions: Int { days.reduce(0) { $0 + $1.decisions.filter(\.changed).count } }
    public var originalRealized: Decimal { days.reduce(0) { $0 + $1.original.realizedPnL } }
    public var whatIfRealized: Decimal { days.reduce(0) { $0 + $1.whatIf.realizedPnL } }
}
