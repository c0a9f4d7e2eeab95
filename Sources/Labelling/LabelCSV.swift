import Domain
import CivilTime
import Foundation

/// The CSV rendering of label rows: a fixed header, one line per row, `\n` line ends, empty cells for
/// unknown values, decimals in plain notation, times in UTC ISO 8601 with microseconds. Byte-stable for
/// the same rows.
public enum LabelCSV {
    public static let columns: [String] = [
        "decision_id", "cycle_id", "event_seq", "symbol", "sector", "decision_ts",
        "stage_reached", "final_rank", "decision", "drop_stage", "drop_reason", "deny_reasons",
        "side", "entry", "stop", "target", "r_per_share", "qty", "client_order_id",
        "f_price", "f_volume", "f_relative_volume", "f_gap_pct", "f_change_pct",
        "f_sma_20", "f_ema_20", "f_rsi_14", "f_macd", "f_macd_signal", "f_macd_hist", "f_atr_14",
        "f_bb_upper", "f_bb_middle", "f_bb_lower", "f_obv", "f_vwap",
        "f_news_count", "f_catalyst", "f_catalyst_strength", "f_sentiment", "f_pattern", "f_pattern_confidence",
        "f_score_catalyst", "f_score_technical", "f_score_pattern", "f_score_momentum", "f_score_volume", "f_score_composite",
        "scoring_version",
        "ret_5m", "ret_15m", "ret_60m", "ret_eod", "observations_after",
        "trgt", "barrier_upper", "barrier_lower", "vertical_ts", "label", "barrier_hit", "t1", "ambiguous",
        "meta_label", "meta_label_source",
        "entry_fill", "exit_fill", "fees", "realized_pnl", "realized_r", "mae_r", "mfe_r", "exit_reason", "hold_seconds",
        "labeller_version", "barriers",
    ]

    public static var header: String { columns.joined(separator: ",") + "\n" }

    public static func line(_ r: LabelRow, barriers: BarrierSpec) -> String {
        let f = r.candidate.features
        let i = f.indicators
        let s = f.scores
        let o = r.outcome
        let t = r.trade
        let cells: [String] = [
            "\(r.cycle.rawValue)/\(f.symbol.rawValue)", r.cycle.rawValue, String(r.eventSeq), f.symbol.rawValue, f.sector.rawValue, ts(f.asOf),
            r.candidate.stageReached.rawValue, r.candidate.finalRank.map(String.init) ?? "", r.decision,
            r.candidate.rejection?.stage.rawValue ?? "", r.candidate.rejection?.reason ?? "", r.denyReasons ?? "",
            r.side.rawValue, d(r.entry), d(r.stop), d(r.target), d(r.rPerShare), d(r.quantity), r.clientOrderID ?? "",
            d(f.price.value), String(f.volume), d(f.relativeVolume), d(f.gapPercent), d(f.changePercent),
            d(i.sma20), d(i.ema20), d(i.rsi14), d(i.macd), d(i.macdSignal), d(i.macdHistogram), d(i.atr14),
            d(i.bollingerUpper), d(i.bollingerMiddle), d(i.bollingerLower), d(i.obv), d(i.vwap),
            String(f.newsIDs.count), f.catalyst?.rawValue ?? "", d(f.catalystStrength), d(f.sentiment), f.pattern?.rawValue ?? "",
            d(f.patternConfidence),
            d(s?.catalyst), d(s?.technical), d(s?.pattern), d(s?.momentum), d(s?.volume), d(s?.composite),
            f.scoringVersion,
            d(o.forward[0]), d(o.forward[1]), d(o.forward[2]), d(o.forward[3]), String(o.observations),
            d(r.trgt), d(o.upper), d(o.lower), o.vertical.map(ts) ?? "", o.label.map(String.init) ?? "", o.barrierHit, o.t1.map(ts) ?? "",
            o.ambiguous ? "1" : "0",
            r.metaLabel.map(String.init) ?? "", r.metaLabelSource ?? "",
            d(t?.entry), d(t?.exit), d(t?.fees), d(t?.realized), d(r.realizedR), d(r.maeR), d(r.mfeR), t?.exitReason?.rawValue ?? "",
            t.flatMap { t in t.closedAt.map { String(Int64(($0.timeIntervalSince(t.openedAt)).rounded())) } } ?? "",
            Labeller.version, barriers.cell,
        ]
        return cells.map(escape).joined(separator: ",") + "\n"
    }

    static func d(_ v: Decimal?) -> String { v.map(DecimalText.format) ?? "" }

    static func escape(_ cell: String) -> String {
        // Bytes, not Characters: this runs for every cell of every row.
        guard cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
        else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// UTC `yyyy-MM-ddTHH:mm:ss.ffffffZ`, computed from whole microseconds (no formatter state, no locale).
    static func ts(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 { frac += 1_000_000; secs -= 1 }
        let (y, m, d, rem) = CivilDay.split(seconds: Int(secs))
        let (year, month, day) = (Int64(y), Int64(m), Int64(d))
        let secondOfDay = Int64(rem)
        func p(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(year, 4))-\(p(month, 2))-\(p(day, 2))T\(p(secondOfDay / 3600, 2)):\(p(secondOfDay % 3600 / 60, 2)):\(p(secondOfDay % 60, 2)).\(p(frac, 6))Z"
    }
}
