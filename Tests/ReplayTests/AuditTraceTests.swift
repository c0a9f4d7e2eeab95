import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Labelling
import Logging
import Projections
import Testing

/// `audit trace` over the simulated day: a traded order's chain from the cron trigger to the position's
/// close, every step with its actor, in log order.
@Suite struct AuditTraceTests {
    static func indexed(_ day: SimulatedDay) async throws {
        var logger = Logger(label: "trace-test")
        logger.logLevel = .critical
        let engine = try ProjectionCatalog.engines(
            [EventIndexProjection()], files: ProjectFiles(root: TestCluster.repositoryRoot), conninfo: day.db.conninfo,
            waker: LogWaker(conninfo: nil), logger: logger)[0]
        try await engine.rebuildNow()
    }

    @Test func aTradedOrdersTraceShowsEveryStepFromTheCronTriggerToTheClose() async throws {
        let day = try await SimulatedDay.get()
        try await Self.indexed(day)
        let fold = try await LabelRun.fold(LabelRun.table(day.store), labeller: Labeller())
        let traded = fold.labeller.rows().filter { $0.decision == "traded" }
        try #require(!traded.isEmpty)
        let row = traded[0]
        let coid = try #require(row.clientOrderID)

        let steps = try await AuditTrace(store: day.store).trace(.order(coid))
        let types = steps.map(\.eventType)
        #expect(steps.map(\.position) == steps.map(\.position).sorted())
        for t in [
            "cycle.started", "scan.candidate_evaluated", "scan.completed", "signal.generated", "risk.approved", "order.requested",
            "order.filled", "position.opened", "position.closed",
        ] {
            #expect(types.contains(t), "missing \(t) in \(types)")
        }
        // The chain starts at the cron trigger and runs in causal order.
        #expect(types.first == "cycle.started" && steps.first?.actor.hasPrefix("cron") == true)
        func first(_ t: String) -> Int { types.firstIndex(of: t) ?? -1 }
        #expect(first("scan.candidate_evaluated") < first("signal.generated") && first("signal.generated") < first("risk.approved"))
        #expect(first("risk.approved") < first("order.requested") && first("order.requested") < first("order.filled"))
        // The entry fill and the position it opens are appended in one batch (either order); the close comes later.
        #expect(first("order.requested") < first("position.opened") && first("position.opened") < first("position.closed"))
        #expect(first("order.filled") < first("position.closed"))
        // Only this symbol's scan and signal events, and every step has an actor and a correlation id.
        #expect(steps.filter { $0.eventType == "scan.candidate_evaluated" }.count == 1)
        #expect(steps.filter { $0.eventType == "signal.generated" }.allSatisfy { $0.summary.contains(" \(row.symbol.rawValue) ") })
        #expect(steps.allSatisfy { $0.actor != "?" && $0.correlationID != nil })

        let byCycle = try await AuditTrace(store: day.store).trace(.cycle(row.cycle.rawValue))
        #expect(Set(steps.map(\.position)).isSubset(of: byCycle.map(\.position)))
        #expect(byCycle.count > steps.count)

        let correlation = try #require(steps.first?.correlationID)
        let workflow = try await AuditTrace(store: day.store).trace(.correlation(correlation))
        #expect(workflow.first?.eventType == "cycle.started" && workflow.contains { $0.eventType == "order.requested" })
        #expect(try await AuditTrace(store: day.store).trace(.order("no-such-order")).isEmpty)
    }
}
