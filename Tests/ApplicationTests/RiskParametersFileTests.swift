import Application
import CatalystApp
import CatalystTestKit
import Domain
import Foundation
import Testing

@testable import ApplicationTestKit

/// `config/risk_parameters.yaml`, watched: a valid edit takes effect as `risk.parameters_changed` with
/// the new values and hash; an invalid one is refused naming the line and key, and the last good
/// limits stay in force.
@Suite struct RiskParametersFileTests {
    /// A private copy of the repository's file.
    static func copy() throws -> String {
        let source = TestCluster.repositoryRoot.appendingPathComponent("config/risk_parameters.yaml")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("risk-\(UUID().uuidString).yaml").path
        try FileManager.default.copyItem(atPath: source.path, toPath: path)
        return path
    }

    /// Rewrites the file with one line replaced, and moves its modification time forward (two edits in
    /// the same instant must still be seen as two).
    static func edit(_ path: String, replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        precondition(text.contains(old), "the file has no \(old)")
        let edited = text.replacingOccurrences(of: old, with: new)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let modified = (try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        try FileManager.default.setAttributes([.modificationDate: modified.addingTimeInterval(Double.random(in: 1...1000))], ofItemAtPath: path)
        return edited
    }

    static func changes(_ h: SimHarness) async throws -> [Risk.ParametersChanged] {
        try await h.events().compactMap { if case .risk(.parametersChanged(let c)) = $0.event { c } else { nil } }
    }

    static func decisionHashes(_ h: SimHarness) async throws -> [String] {
        try await h.events().compactMap { r in
            switch r.event {
            case .risk(.approved(let a)): a.parametersHash
            case .risk(.denied(let d)): d.parametersHash
            default: nil
            }
        }
    }

    @Test func aValidEditTakesEffectAsParametersChangedWithTheNewHash() async throws {
        let path = try Self.copy()
        let file = try RiskParametersFile(path: path)
        let h = try await SimHarness.make(risk: file)
        let before = try await h.risk()
        #expect(before.parameters == RiskParameters(), "the repository's file holds the conservative defaults")
        _ = try Self.edit(path, replacing: "max_positions: 5 ", with: "max_positions: 3 ")
        var expected = RiskParameters()
        expected.maxPositions = 3
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        _ = try h.placed(try await h.trade(symbol, price))
        let changes = try await Self.changes(h)
        #expect(changes.count == 1)
        let change = try #require(changes.first)
        #expect(change.parameters == expected && change.parametersHash == expected.hash)
        #expect(change.previousHash == before.parametersHash && change.source == path)
        #expect(try await Self.decisionHashes(h) == [expected.hash], "the decision after the change applies it")
        #expect(try await h.risk().parameters.maxPositions == 3)
        // Nothing changed since: no second event.
        let second = try await h.liquidSymbols(2)[1]
        _ = try h.placed(try await h.trade(second.symbol, second.price))
        #expect(try await Self.changes(h).count == 1)
    }

    @Test(arguments: [
        ("max_positions: 5 ", "max_positions: -2 ", "max_positions"),
        ("max_daily_loss_usd: 2000 ", "max_daily_loss_usd: lots ", "max_daily_loss_usd"),
        ("warning_threshold_pct: 0.75 ", "warning_threshold_pct: 1.75 ", "warning_threshold_pct"),
        ("max_positions: 5 ", "max_postions: 3 ", "max_postions"),
    ])
    func anInvalidEditIsRefusedNamingLineAndKeyAndTheLastGoodLimitsStay(old: String, new: String, key: String) async throws {
        let path = try Self.copy()
        let file = try RiskParametersFile(path: path)
        let h = try await SimHarness.make(risk: file)
        let good = try await h.risk().parametersHash
        let text = try Self.edit(path, replacing: old, with: new)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(key + ":") }) + 1
        #expect(file.current() == RiskParameters(), "the last good limits stay in force")
        let error = try #require(file.lastError)
        #expect(error.contains("\(path):\(line): \(key):"), "\(error)")
        do {
            _ = try RiskParametersFile.load(path)
            Issue.record("an invalid file loaded")
        } catch let invalid as RiskParametersFile.Invalid {
            #expect(invalid.line == line && invalid.key == key)
        }
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        _ = try await h.trade(symbol, price)
        #expect(try await Self.changes(h).isEmpty)
        #expect(try await Self.decisionHashes(h) == [good])
        // Fixing the file takes effect again.
        _ = try Self.edit(path, replacing: new, with: old)
        #expect(file.current() == RiskParameters() && file.lastError == nil)
    }

    /// A change that takes effect just as a fill arrives: the fill is ingested (the parameters event
    /// and the fill are two commands, neither swallows the other).
    @Test func aFillRightAfterAChangeIsNotLost() async throws {
        let path = try Self.copy()
        let file = try RiskParametersFile(path: path)
        let h = try await SimHarness.make(risk: file)
        let (symbol, price) = try await h.liquidSymbols(1)[0]
        let order = try h.placed(try await h.trade(symbol, price))
        _ = try Self.edit(path, replacing: "max_daily_trades: 20", with: "max_daily_trades: 12")
        h.move(to: h.now.addingTimeInterval(60))
        let polled = try await FillIngestor(system: h.system).poll(context: h.context(.system))
        #expect(polled.ingested == h.broker.allFills.count && polled.ingested >= 1)
        #expect(try await h.order(order.orderID)?.executions.count == h.broker.allFills.count)
        #expect(try await h.position(symbol).open != nil)
        #expect(try await Self.changes(h).count == 1)
    }
}
