import ArgumentParser
import CatalystApp
import Domain
import EventStore
import Foundation
import Labelling
import PostgresClient

extension Replay {
    struct WhatIfCommand: CatalystCommand {
        static let configuration = CommandConfiguration(
            commandName: "what-if",
            abstract: "Re-decide every recorded risk decision with other risk parameters and show how the decisions and P&L change.",
            discussion: """
                Each recorded day's risk stream is walked again with a second risk book opened on the recorded parameters \
                changed by --set (wire keys of config/risk_parameters.yaml). Every decision is decided again from the inputs \
                it recorded (proposal, account snapshot, correlations, tradability, session, the cycle's caps); entries still \
                approved keep their recorded fills (scaled to the new size), entries now denied lose theirs, and newly approved \
                entries are priced from the prices recorded after the decision (limit reached → filled at the limit; stop or \
                target crossed → out at that price; else out at the last price before the 180-minute hold or the flatten \
                15 minutes before the close). Loss warnings and loss-limit halts are derived again. Decisions recorded before \
                risk.approved/denied v2 have no inputs and are kept as they were. Nothing is written to the ledger.
                """)
        @Option(name: .customLong("set"), help: "A changed parameter, key=value (repeatable), e.g. --set max_positions=2.") var assignments: [String] = []
        @Option(help: "First New York date (YYYY-MM-DD).") var from: String?
        @Option(help: "Last New York date (YYYY-MM-DD).") var to: String?
        @Option(help: "Read this archive directory (repeatable, oldest first) before the live table.") var archive: [String] = []
        @Flag(help: "List every decision, not only those that changed.") var all = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            let overrides: RiskParameterOverrides
            do {
                overrides = try RiskParameterOverrides(assignments)
                // Refuse a bad value before reading the log: check it against today's file.
                let files = try configuration.files
                _ = try overrides.apply(to: try RiskParametersFile.load(files.config.appendingPathComponent("risk_parameters.yaml").path))
            } catch let invalid as RiskParametersFile.Invalid {
                throw ValidationError("--set \(invalid.key): \(invalid.reason)")
            }
            let fromDate = try from.map { try Label.date($0, "--from") }
            let toDate = try to.map { try Label.date($0, "--to") }
            if let fromDate, let toDate, toDate < fromDate { throw ValidationError("--to \(toDate) is before --from \(fromDate)") }
            let target = try await configuration.migratedDatabase()
            let store = target.store()
            let source: LabelRun.Batches =
                archive.isEmpty
                ? LabelRun.table(store, types: WhatIf.eventTypes)
                : LabelRun.continuous(try await ContinuousLog.open(archives: archive.map { URL(fileURLWithPath: $0) }, store: store))
            let watch = Stopwatch()
            let fold = try await WhatIfRun.fold(source, whatIf: WhatIf(options: .init(adjust: { try overrides.apply(to: $0) }, from: fromDate, to: toDate)))
            let report: WhatIfReport
            do { report = try fold.whatIf.report() } catch let invalid as RiskParametersFile.Invalid {
                throw ValidationError("--set \(invalid.key): \(invalid.reason) (on the parameters a recorded day ran with)")
            }
            print(WhatIfRun.text(report, overrides: overrides, all: all))
            print(String(format: "%d events read, %d decoded, %.2f s; nothing was written", fold.eventsRead, fold.eventsDecoded, watch.seconds))
        }
    }
}
