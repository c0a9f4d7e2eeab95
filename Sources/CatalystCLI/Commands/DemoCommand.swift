import ArgumentParser
import CatalystApp
import EventStore
import Foundation

/// The main job of `make demo`.
struct Demo: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on the configured database and print what it did.")

    func execute() async throws {
        let target = try DatabaseTarget.resolve()
        try await target.requireMigrated(files: try ProjectFiles.locate())
        let store = PostgresEventStore(conninfo: target.conninfo, connections: 2)
        let stream = "demo-\(UUID().uuidString.prefix(8).lowercased())"
        let correlation = UUID()
        let now = Date()
        let types = ["demo.cycle_started", "demo.scan_completed", "demo.order_filled", "demo.cycle_completed"]
        let events = types.enumerated().map { i, type in
            NewEvent(
                eventID: UUID(), streamID: stream, eventType: type, schemaVersion: 1,
                payload: Data(#"{"step":\#(i + 1),"price":"12.34","qty":"100"}"#.utf8),
                metadata: Data(#"{"actor":"system","correlation_id":"\#(correlation.uuidString.lowercased())"}"#.utf8),
                occurredAt: now.addingTimeInterval(Double(i)))
        }
        let result = try await store.append(to: stream, expected: .noStream, events: events, commandID: UUID())
        guard let receipt = result.receipt else { throw CatalystError.refused("append refused: \(result)") }
        print("appended \(events.count) events to stream \(stream) at positions \(receipt.positions.map(String.init).joined(separator: ","))")
        for e in try await store.readStream(stream) {
            print("  v\(e.streamVersion)  #\(e.position)  \(e.eventType)  \(String(decoding: e.payload, as: UTF8.self))")
        }
        let head = try await store.head()
        print("log head: position \(head.maxPosition); database \(target.displayURL)")
    }
}
