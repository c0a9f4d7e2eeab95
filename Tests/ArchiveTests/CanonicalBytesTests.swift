import EventStore
import Foundation
import Testing

/// The canonical bytes are a published format (auditors rebuild them with their own tools), so they are
/// pinned here byte for byte, together with the first link, as computed independently (Python hashlib).
@Suite struct CanonicalBytesTests {
    @Test func canonicalBytesAndTheFirstLinkArePinned() {
        let event = RecordedEvent(
            position: 12, transactionID: 999, streamID: #"s"1 ü"#, streamVersion: 2, eventID: UUID(uuidString: "6F1C2D3E-0000-4000-8000-00000000000A")!,
            eventType: "order.filled", schemaVersion: 1, payload: Data(#"{"a": 1}"#.utf8), metadata: Data("{}".utf8),
            occurredAtMicros: 1_790_000_000_123_456, recordedAtMicros: -1)
        let expected =
            "catalyst-audit-v1\n1:3\n2:12\n6:s\"1 ü\n1:2\n36:6f1c2d3e-0000-4000-8000-00000000000a\n12:order.filled\n1:1\n"
            + "27:2026-09-21T14:13:20.123456Z\n27:1969-12-31T23:59:59.999999Z\n8:{\"a\": 1}\n2:{}\n"
        #expect(String(decoding: AuditChain.canonical(seq: 3, event: event), as: UTF8.self) == expected)
        #expect(AuditChain.hex(AuditChain.link(previous: AuditChain.genesis, seq: 3, event: event)) == "a71246f8761e022746d890a0fc7fd58f6ac0c2914927dfbe224e258b3fc21cdb")
    }

    @Test func negativeAndLargeNumbersKeepTheirDecimalLength() {
        var e = RecordedEvent(
            position: -5, transactionID: 1, streamID: "s", streamVersion: 1_000_000_000_000, eventID: UUID(), eventType: "t", schemaVersion: 10,
            payload: Data("{}".utf8), metadata: Data("{}".utf8), occurredAtMicros: 0, recordedAtMicros: 0)
        var text = String(decoding: AuditChain.canonical(seq: Int64.max, event: e), as: UTF8.self)
        #expect(text.contains("\n19:9223372036854775807\n2:-5\n1:s\n13:1000000000000\n"))
        #expect(text.contains("\n2:10\n"))
        e.occurredAtMicros = 253_402_300_800_000_000  // year 10000: outside the usual form, still recorded
        text = String(decoding: AuditChain.canonical(seq: 1, event: e), as: UTF8.self)
        #expect(text.contains("\n28:10000-01-01T00:00:00.000000Z\n"))
    }
}
