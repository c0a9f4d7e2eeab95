import EventStore
import Foundation
import Testing

/// The line format: valid JSON with every column, decoded exactly by the specialised decoder, and any
/// deviation is an error rather than a wrong event.
@Suite struct ArchiveLineTests {
    static func sample(stream: String = "orders-1", type: String = "order.filled", micros: Int64 = 1_795_000_123_456_789) -> ArchivedEvent {
        ArchivedEvent(
            seq: 42, hash: ChainHash(hex: String(repeating: "0123456789abcdef", count: 4))!,
            event: RecordedEvent(
                position: 9_000_000_001, transactionID: 18_446_744_073_709_551_000, streamID: stream, streamVersion: 7, eventID: UUID(),
                eventType: type, schemaVersion: 3, payload: Data(trickyPayload(5).utf8), metadata: Data(#"{"actor": "system"}"#.utf8),
                occurredAtMicros: micros, recordedAtMicros: micros / 2))
    }

    func line(_ a: ArchivedEvent) throws -> [UInt8] {
        var out: [UInt8] = []
        try ArchiveLine.append(a, to: &out)
        return out
    }

    func decode(_ bytes: [UInt8]) throws -> ArchivedEvent {
        var body = bytes
        if body.last == 10 { body.removeLast() }
        return try body.withUnsafeBytes { try ArchiveLineDecoder.decode($0) }
    }

    @Test(arguments: ["orders-1", #"quote"and\back"#, "tab\there\nnewline\u{1}ctl", "ünïcødé-€-😀", ""])
    func roundTripsAnyStreamName(stream: String) throws {
        let a = Self.sample(stream: stream, type: "type \(stream)")
        let bytes = try line(a)
        #expect(bytes.last == 10 && bytes.dropLast().allSatisfy { $0 != 10 })
        #expect(try decode(bytes) == a)
        // Any JSON tool reads the line, and sees the same values.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["stream_id"] as? String == stream)
        #expect(json["tx_id"] as? String == "18446744073709551000")
        #expect(json["occurred_at"] as? String == "2026-11-18T11:08:43.456789Z")
        #expect((json["payload"] as? [String: Any])?["note"] as? String == "quote \" back \\ tab\t nl\n ünï €")
        #expect(json["payload_bytes"] as? Int == a.event.payload.count)
    }

    @Test(arguments: [Int64(0), -1, -62_135_596_800_000_000, 253_402_300_799_999_999, 951_782_400_000_000])
    func timestampsAreExactToTheMicrosecond(micros: Int64) throws {
        #expect(try decode(line(Self.sample(micros: micros))).event.occurredAtMicros == micros)
    }

    @Test func aTimestampBeyondYear9999CannotBeArchived() {
        #expect(throws: ArchiveLineError.self) { try line(Self.sample(micros: 253_402_300_800_000_000)) }
    }

    @Test func everyDeviationIsAnError() throws {
        let good = try line(Self.sample())
        let text = String(decoding: good, as: UTF8.self)
        let variants: [String] = [
            text.replacingOccurrences(of: #""seq":42"#, with: #""seq": 42"#),
            text.replacingOccurrences(of: #""payload_bytes":"#, with: #""payload_bytes":1"#),
            text.replacingOccurrences(of: "Z\",\"recorded_at\"", with: "+00\",\"recorded_at\""),
            text.replacingOccurrences(of: "0123456789abcdef0123", with: "0123456789abcdeg0123"),
            String(text.dropLast(2)),
            text.replacingOccurrences(of: #""stream_version":7"#, with: #""stream_version":99999999999999999999"#),
            text.replacingOccurrences(of: "\"hash\"", with: "\"Hash\""),
        ]
        for v in variants {
            #expect(v != text)
            #expect(throws: ArchiveLineError.self, "\(v)") { try decode(Array(v.utf8)) }
        }
    }
}
