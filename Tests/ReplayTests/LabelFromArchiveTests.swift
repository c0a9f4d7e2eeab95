import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Labelling
import Logging
import PostgresClient
import Projections
import Testing

/// Labelling reads an LZ4 archive plus the live table as one continuous log and gives the same bytes as
/// reading the table alone.
@Suite struct LabelFromArchiveTests {
    @Test func archivePlusTableGivesTheSameLabelsAsTheTable() async throws {
        let day = try await SimulatedDay.get()
        var logger = Logger(label: "archive-label")
        logger.logLevel = .critical
        // Only sealed events are archived: seal the log first.
        try await ProjectionCatalog.engines(
            [AuditSealProjection()], files: ProjectFiles(root: TestCluster.repositoryRoot), conninfo: day.db.conninfo,
            waker: LogWaker(conninfo: nil), logger: logger)[0].rebuildNow()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replay-archive-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Events are recorded now (wall clock): an export "before" a date far ahead takes the whole log.
        let report = try await day.db.session().withConnection { c in
            try ArchiveExporter.export(.init(before: "2099-01-01", directory: dir, eventsPerSegment: 700), on: c)
        }
        #expect(report.manifest.eventCount == Int64(day.report.events) && report.manifest.segments.count > 1)

        let fromTable = try await LabelRun.fold(LabelRun.table(day.store), labeller: Labeller())
        let log = try await ContinuousLog.open(archives: [dir], store: day.store)
        let fromArchive = try await LabelRun.fold(LabelRun.continuous(log), labeller: Labeller())
        #expect(fromArchive.eventsRead == fromTable.eventsRead)
        #expect(LabelRun.csv(fromArchive.labeller.rows(), barriers: .standard) == LabelRun.csv(fromTable.labeller.rows(), barriers: .standard))
    }

    /// Typed pages (only the labeller's event types come back with payloads) pass every event and give
    /// the same bytes as whole pages.
    @Test func typedPagesGiveTheSameLabelsAsWholePages() async throws {
        let day = try await SimulatedDay.get()
        let whole = try await LabelRun.fold(LabelRun.table(day.store, pageSize: 300), labeller: Labeller())
        let typed = try await LabelRun.fold(LabelRun.table(day.store, types: Labeller.eventTypes, pageSize: 300), labeller: Labeller())
        #expect(typed.eventsRead == day.report.events && whole.eventsRead == day.report.events)
        #expect(typed.eventsDecoded == whole.eventsDecoded && typed.eventsDecoded > 0 && typed.eventsDecoded < typed.eventsRead)
        let csv = LabelRun.csv(typed.labeller.rows(), barriers: .standard)
        #expect(!typed.labeller.rows().isEmpty)
        #expect(csv == LabelRun.csv(whole.labeller.rows(), barriers: .standard))
    }
}
