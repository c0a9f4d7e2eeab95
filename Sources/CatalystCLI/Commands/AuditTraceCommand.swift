import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import PostgresClient

extension Audit {
    struct Trace: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "The causal chain of an order, a cycle or a workflow, in log order, with each step's actor.",
            discussion: """
                Give exactly one of --order, --cycle, --correlation. Keys are looked up in the event_index read model: run \
                `catalyst project` (or have the projector running) first. Marks and candidate price observations are left \
                out; candidate evaluations of a cycle are collapsed into one line unless --json.
                """)
        @Option(help: "A client order id: the order's chain from the cron trigger to the position's close.") var order: String?
        @Option(help: "A cycle id: the cycle, its scan, signals, risk decisions, orders, fills and positions.") var cycle: String?
        @Option(help: "A correlation id (UUID): every event of the workflow.") var correlation: String?
        @Flag(help: "Print the steps as JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            let keys: [AuditTrace.Key] = [order.map { .order($0) }, cycle.map { .cycle($0) }, correlation.map { .correlation($0) }].compactMap { $0 }
            guard keys.count == 1 else { throw ValidationError("give exactly one of --order, --cycle, --correlation") }
            if let correlation, UUID(uuidString: correlation) == nil { throw ValidationError("--correlation must be a UUID, got '\(correlation)'") }
            let target = try await configuration.readerDatabase(note: Terminal.note)
            let store = target.store()
            let steps = try await AuditTrace(store: store).trace(keys[0])
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(steps), as: UTF8.self))
                return
            }
            guard !steps.isEmpty else {
                print("nothing found for \(keys[0]) (is the event_index projection up to date? run `catalyst project`)")
                throw ExitCode(1)
            }
            var i = 0
            while i < steps.count {
                let s = steps[i]
                var j = i + 1
                while !json, s.eventType == "scan.candidate_evaluated", j < steps.count, steps[j].eventType == s.eventType, steps[j].streamID == s.streamID { j += 1 }
                let summary = j - i > 1 ? "\(j - i) candidates evaluated" : s.summary
                print("\(s.position)\t\(s.occurredAt)\t\(s.actor)\t\(s.eventType)\t\(summary)")
                i = j
            }
            print("\(steps.count) events")
        }
    }
}
