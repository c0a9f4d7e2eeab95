import Domain
import Foundation

/// One readable line per traced event: what happened, in the domain's words.
enum TraceSummary {
    static func describe(_ event: LedgerEvent) -> String {
        switch event {
        case .cycle(.started(let s)): "cycle \(s.cycleID) started (\(s.mode.rawValue)) by \(s.requestedBy)"
        case .cycle(.stageCompleted(let s)): "stage \(s.stage.rawValue) completed" + (s.itemCount.map { " (\($0))" } ?? "")
        case .cycle(.completed): "cycle completed"
        case .cycle(.stopped): "cycle stopped"
        case .cycle(.failed): "cycle failed"
        case .cycle(.candidateEvaluated(let c)):
            "candidate \(c.evaluation.features.symbol) reached \(c.evaluation.stageReached.rawValue)"
                + (c.evaluation.rejection.map { ", dropped at \($0.stage.rawValue): \($0.reason)" } ?? c.evaluation.finalRank.map { ", final rank \($0)" } ?? "")
        case .cycle(.universeFiltered(let u)): "\(u.rejections.count) universe rejections"
        case .cycle(.scanCompleted(let s)): "scan completed: \(s.universeSize) symbols, finalists \(s.finalists.map(\.rawValue).joined(separator: " "))"
        case .cycle(.signalGenerated(let s)):
            "signal \(s.signalID) \(s.proposal.side.rawValue) \(s.proposal.symbol) entry \(s.proposal.entry) stop \(s.proposal.stop) target \(s.proposal.target)"
        case .risk(.approved(let a)): "risk approved \(a.intent.symbol) qty \(a.intent.quantity) (approval \(a.approvalID))"
        case .risk(.denied(let d)): "risk denied \(d.symbol): \(d.reasonCodes.map(\.rawValue).joined(separator: ", "))"
        case .order(.requested(let r)):
            "order \(r.orderID) requested: \(r.intent.side.rawValue) \(r.intent.quantity) \(r.intent.symbol) \(r.intent.type.rawValue)"
                + (r.intent.clientOrderID.map { " client_order_id \($0)" } ?? "") + (r.legRole.map { " (\($0.rawValue) leg)" } ?? "")
        case .order(.submitted(let s)): "order \(s.orderID) submitted: broker id \(s.brokerOrderID), \(s.brokerStatus.rawValue)"
        case .order(.accepted(let a)): "order \(a.update.orderID) accepted"
        case .order(.canceled(let c)): "order \(c.update.orderID) canceled" + (c.update.reason.map { ": \($0)" } ?? "")
        case .order(.expired(let x)): "order \(x.update.orderID) expired"
        case .order(.rejected(let x)): "order \(x.update.orderID) rejected" + (x.update.reason.map { ": \($0)" } ?? "")
        case .order(.partiallyFilled(let f)): "partial fill \(f.execution.quantity) @ \(f.execution.price)"
        case .order(.filled(let f)): "filled \(f.execution.quantity) @ \(f.execution.price)"
        case .position(.opened(let o)): "position \(o.positionID) opened \(o.side.rawValue) \(o.quantity) \(o.symbol) @ \(o.price)"
        case .position(.increased(let e)): "position increased by \(e.quantity) @ \(e.price)"
        case .position(.reduced(let e)): "position reduced by \(e.quantity) @ \(e.price), realized \(e.realizedPnL)"
        case .position(.closed(let c)):
            "position closed \(c.exitReason.rawValue) @ \(c.price.map(\.description) ?? "?"), realized \(c.totalRealizedPnL.map(\.description) ?? "unknown")"
        case .position(.exitRequested(let x)): "exit requested: \(x.reason.rawValue) by \(x.by)"
        default: ""
        }
    }
}
