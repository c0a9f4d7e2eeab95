import Foundation

@testable import EventStore

/// Small builders for test events: ~256-byte payloads like a fill.
enum Fixture {
    static func event(stream: String, type: String = "test.happened", payload: String? = nil, id: UUID = UUID()) -> NewEvent {
        let body = payload ?? #"{"qty":"100","price":"12.34","symbol":"ACME","note":"\#(String(repeating: "x", count: 180))"}"#
        return NewEvent(
            eventID: id, streamID: stream, eventType: type, schemaVersion: 1, payload: Data(body.utf8),
            metadata: Data(#"{"actor":"system","correlation_id":"\#(UUID().uuidString.lowercased())"}"#.utf8),
            occurredAt: Date(timeIntervalSince1970: 1_790_000_000))
    }

    static func events(stream: String, count: Int) -> [NewEvent] { (0..<count).map { _ in event(stream: stream) } }
}

