import CatalystApp
import Domain
import EventStore
import Foundation
import Labelling
import Testing

/// `replay label` over a whole simulated day: every candidate gets a row, decisions match the day's
/// report, traded rows reconcile to the closed positions, and the output is pinned by hash.
@Suite struct LabelSimulatedDayTests {
    static func label(_ day: SimulatedDay, barriers: BarrierSpec = .standard) async throws -> (rows: [LabelRow], csv: [UInt8], fold: LabelRun.Fold) {
        let fold = try await LabelRun.fold(LabelRun.table(day.store, pageSize: 500), labeller: Labeller(barriers: barriers))
        let rows = fold.labeller.rows()
        return (rows, LabelRun.csv(rows, barriers: barriers), fold)
    }

    static func cells(_ line: Substring) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(LabelCSV.columns, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }

    @Test func everyCandidateIsLabelledAndTheDecisionsMatchTheDay() async throws {
        let day = try await SimulatedDay.get()
        let r = day.report
        let (rows, csv, fold) = try await Self.label(day)
        #expect(fold.eventsRead == r.events)
        #expect(rows.count == r.candidates && rows.count > 0)
        let lines = String(decoding: csv, as: UTF8.self).split(separator: "\n").dropFirst().map(Self.cells)
        #expect(lines.count == rows.count)
        let decisions = Dictionary(grouping: lines, by: { $0["decision"]! }).mapValues(\.count)
        #expect(decisions["risk_denied", default: 0] == r.denials)
        #expect(decisions["traded", default: 0] == r.positionsOpened)
        #expect(lines.filter { !$0["drop_stage"]!.isEmpty }.allSatisfy { $0["decision"] == "dropped" && !$0["drop_reason"]!.isEmpty })
        #expect(lines.filter { $0["decision"] == "risk_denied" }.allSatisfy { !$0["deny_reasons"]!.isEmpty && !$0["entry"]!.isEmpty })

        // Traded rows reconcile to the day's closed positions.
        let traded = lines.filter { $0["decision"] == "traded" }
        let pnl = traded.compactMap { Decimal(string: $0["realized_pnl"]!) }.reduce(0, +)
        #expect(DecimalText.format(DecimalText.round(pnl, scale: 2)) == r.realizedPnL)
        #expect(traded.map { "\($0["symbol"]!) \($0["exit_reason"]!)" }.sorted() == r.closedPositions.map { "\($0.symbol) \($0.exitReason)" }.sorted())
        #expect(traded.allSatisfy { !$0["client_order_id"]!.isEmpty && !$0["realized_r"]!.isEmpty && !$0["hold_seconds"]!.isEmpty })
        #expect(traded.allSatisfy { $0["meta_label_source"] == "trade" && $0["meta_label"] == (Decimal(string: $0["realized_pnl"]!)! > 0 ? "1" : "0") })

        // Observed candidates (those that reached the technical stage) get price outcomes from later observations.
        let observed = lines.filter { FunnelStage(rawValue: $0["stage_reached"]!)! >= .technical }
        #expect(!observed.isEmpty && observed.allSatisfy { Int($0["observations_after"]!)! > 0 || $0["decision_ts"]! >= "2025-03-14T19:55" })
        #expect(observed.filter { !$0["label"]!.isEmpty }.count > observed.count / 2)
        // Candidates dropped before that stage are priced at the label horizons: every one decided early enough
        // has its 5, 15 and 60-minute forward returns and an end-of-day return.
        let early = lines.filter { FunnelStage(rawValue: $0["stage_reached"]!)! < .technical && $0["decision_ts"]! < "2025-03-14T18:30" }
        #expect(!early.isEmpty && early.allSatisfy { !$0["ret_5m"]!.isEmpty && !$0["ret_15m"]!.isEmpty && !$0["ret_60m"]!.isEmpty && !$0["ret_eod"]!.isEmpty })
        // Every label's touch time is after its decision.
        #expect(lines.filter { !$0["t1"]!.isEmpty }.allSatisfy { $0["t1"]! > $0["decision_ts"]! })
    }

    @Test func theSameEventsGiveTheSameBytesAndThePinnedHash() async throws {
        let day = try await SimulatedDay.get()
        let a = try await Self.label(day)
        let b = try await Self.label(day)
        #expect(a.csv == b.csv)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replay-label-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try LabelRun.write(a.csv, rows: a.rows.count, to: dir.appendingPathComponent("labels.csv").path)
        let framed = try LabelRun.write(a.csv, rows: a.rows.count, to: dir.appendingPathComponent("labels.csv.lz4").path)
        #expect(plain.csvSHA256 == framed.csvSHA256 && plain.fileSHA256 == plain.csvSHA256 && framed.fileSHA256 != plain.fileSHA256)
        let reader = try LZ4FrameReader(path: dir.appendingPathComponent("labels.csv.lz4").path)
        var decoded: [UInt8] = []
        while let chunk = try reader.next() { decoded.append(contentsOf: chunk) }
        #expect(decoded == a.csv)

        #expect(plain.rows == 1200)
        #expect(plain.csvSHA256 == "bc74deeee7447742d8acd13dfada6fa4b00fd5ebcc358b82eb227e8d3a1f4341", "rows \(plain.rows) sha \(plain.csvSHA256)")
    }
}
