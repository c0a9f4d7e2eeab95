import Domain
import EventStore
import Foundation

/// `candidates`: every symbol each scan looked at, not only the top picks (ML needs the rejected
/// ones): stage-1 drops with their reason, and every stage-1 survivor with its funnel stage, features,
/// score components and final rank; finalists also get their signal and the risk decision.
///
/// Scan rows are written whole; signals and decisions update only their own columns, so nothing needs
/// to be read back.
public struct CandidatesProjection: Projection {
    public let name = "candidates"
    public let codeVersion = 1
    public let eventTypes: Set<String>? = [
        Cycle.CandidateEvaluated.eventType, Cycle.UniverseFiltered.eventType, Cycle.SignalGenerated.eventType, Risk.Approved.eventType,
        Risk.Denied.eventType,
    ]

    public init() {}

    struct Key: Hashable, Comparable {
        var cycle: String
        var symbol: String
        static func < (l: Key, r: Key) -> Bool { (l.cycle, l.symbol) < (r.cycle, r.symbol) }
    }

    public func apply(_ events: [RecordedEvent], to context: ProjectionContext) throws {
        // Last write wins per key within the batch; each statement then touches a key once.
        var scans: [Key: [String?]] = [:]
        var signals: [Key: [String?]] = [:]
        var decisions: [Key: [String?]] = [:]
        for e in events {
            switch try LedgerEvents.decode(e) {
            case .cycle(.candidateEvaluated(let c)):
                scans[Key(cycle: c.cycleID.rawValue, symbol: c.evaluation.features.symbol.rawValue)] = CandidateRow.scanned(c, position: e.position)
            case .cycle(.universeFiltered(let u)):
                for r in u.rejections {
                    scans[Key(cycle: u.cycleID.rawValue, symbol: r.symbol.rawValue)] = CandidateRow.rejected(u.cycleID, r, at: u.at, position: e.position)
                }
            case .cycle(.signalGenerated(let s)):
                signals[Key(cycle: s.cycleID.rawValue, symbol: s.proposal.symbol.rawValue)] = CandidateRow.signal(s)
            case .risk(.approved(let a)):
                guard let cycle = a.cycleID else { continue }
                decisions[Key(cycle: cycle.rawValue, symbol: a.intent.symbol.rawValue)] = CandidateRow.approved(a, cycle: cycle)
            case .risk(.denied(let d)):
                guard let cycle = d.cycleID else { continue }
                decisions[Key(cycle: cycle.rawValue, symbol: d.symbol.rawValue)] = CandidateRow.denied(d, cycle: cycle)
            default:
                continue
            }
        }
        let key = ["cycle_id", "symbol"]
        try context.upsert(into: CandidateRow.table, columns: CandidateRow.scanColumns, key: key, rows: scans.keys.sorted().map { scans[$0]! })
        try context.upsert(into: CandidateRow.table, columns: CandidateRow.signalColumns, key: key, rows: signals.keys.sorted().map { signals[$0]! })
        try context.upsert(
            into: CandidateRow.table, columns: CandidateRow.decisionColumns, key: key, rows: decisions.keys.sorted().map { decisions[$0]! })
    }
}
