import Domain
import EventStore
import Foundation
import Labelling

/// Feeds the log into the pure `WhatIf` and renders its report. Reads only: nothing is appended.
public enum WhatIfRun {
    public struct Fold: Sendable {
        public var whatIf: WhatIf
        public var eventsRead = 0
        public var eventsDecoded = 0
    }

    /// Reads every batch, decoding only the event types what-if uses.
    public static func fold(_ next: @escaping LabelRun.Batches, whatIf: WhatIf, codec: EventCodec = EventCodec()) async throws -> Fold {
        var fold = Fold(whatIf: whatIf)
        (fold.eventsRead, fold.eventsDecoded) = try await BatchDecoder.replay(next, wanted: WhatIf.eventTypes, codec: codec) { position, streamID, event in
            fold.whatIf.consume(event, streamID: streamID, position: position)
        }
        return fold
    }

    /// The report as text: per day the figures both ways, then every decision that changed and every
    /// estimated trade (or every decision with `all`).
    public static func text(_ report: WhatIfReport, overrides: RiskParameterOverrides, all: Bool = false) -> String {
        var out: [String] = []
        let changes = overrides.assignments.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        out.append("what-if: \(changes.isEmpty ? "(no changes: the recorded parameters)" : changes)")
        if report.days.isEmpty { out.append("no recorded risk day in range") }
        for d in report.days {
            out.append("")
            out.append("\(d.date)  parameters \(d.originalParametersHash.prefix(12)) → \(d.whatIfParametersHash.prefix(12))"
                + (d.parameterChangesIgnored > 0 ? "  (\(d.parameterChangesIgnored) mid-day parameter change(s) ignored)" : ""))
            out.append(pad("", 22) + pad("recorded", 14) + "what-if")
            func row(_ name: String, _ a: String, _ b: String) { out.append(pad("  " + name, 22) + pad(a, 14) + b) }
            row("approved", "\(d.original.approvals)", "\(d.whatIf.approvals)")
            row("denied", "\(d.original.denials)", "\(d.whatIf.denials)")
            row("entries filled", "\(d.original.tradesFilled)", "\(d.whatIf.tradesFilled)")
            row("realized P&L", money(d.original.realizedPnL), money(d.whatIf.realizedPnL))
            row("day P&L (last mark)", money(d.original.dailyPnL), money(d.whatIf.dailyPnL))
            row("halted", d.original.halted ?? "no", d.whatIf.halted ?? "no")
            let shown = all ? d.decisions : d.decisions.filter(\.changed)
            out.append("  decisions: \(d.decisions.count), changed: \(d.decisions.filter(\.changed).count)")
            for x in shown {
                out.append("    \(RFC3339.format(x.at))  \(pad(x.symbol, 6)) \(pad(x.side.rawValue, 5)) \(x.original.text)  →  \(x.whatIf.text)")
            }
            if !d.estimatedTrades.isEmpty {
                out.append("  estimated trades (priced from recorded observations):")
                for t in d.estimatedTrades {
                    let entry = t.entry.map { "in \(DecimalText.format($0))" } ?? "no entry"
                    let exit = t.exit.map { "out \(DecimalText.format($0))" } ?? ""
                    out.append("    \(pad(t.symbol, 6)) \(pad(t.side.rawValue, 5)) \(DecimalText.format(t.quantity)) \(entry) \(exit) \(t.exitReason)"
                        + (t.realized.map { "  P&L \(money($0))" } ?? ""))
                }
            }
        }
        out.append("")
        out.append("total: \(report.changedDecisions) decision(s) changed; realized P&L \(money(report.originalRealized)) → \(money(report.whatIfRealized))")
        return out.joined(separator: "\n")
    }

    static func money(_ d: Decimal) -> String { DecimalText.format(DecimalText.round(d, scale: 2)) }
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
