import Foundation
import Testing

@testable import Domain

@Suite struct CodecTests {
    @Test func everySampleRoundTripsThroughTheCodec() throws {
        for event in Samples.all {
            let encoded = try codec.encode(event)
            #expect(encoded.eventType == event.eventType)
            #expect(encoded.schemaVersion == event.schemaVersion)
            let decoded = try codec.decode(encoded)
            #expect(decoded == event, "\(event.eventType)")
        }
    }

    @Test func theSamplesCoverTheWholeCatalogueOncePerType() {
        let sampleTypes = Samples.all.map(\.eventType)
        let catalogue = EventCodec.catalogue.map(\.eventType)
        #expect(Set(sampleTypes) == Set(catalogue))
        #expect(Set(catalogue).count == catalogue.count, "a wire name is registered twice")
        #expect(EventCodec.info(for: "order.filled")?.category == .order)
        #expect(EventCodec.info(for: "cycle.started")?.readableVersions == [1, 2])
        #expect(EventCodec.info(for: "nope") == nil)
    }

    @Test func wireNamesAreExplicitDottedSnakeCase() {
        for info in EventCodec.catalogue {
            let parts = info.eventType.split(separator: ".")
            #expect(parts.count == 2, "\(info.eventType)")
            #expect(info.eventType.allSatisfy { $0.isLowercase || $0 == "." || $0 == "_" }, "\(info.eventType)")
            #expect(info.schemaVersion >= 1)
        }
    }

    @Test func everyEventHasItsBusinessTime() {
        for event in Samples.all {
            #expect(NYDate(event.occurredAt) >= T.day && NYDate(event.occurredAt) <= T.day.adding(days: 1), "\(event.eventType)")
        }
    }

    @Test func anUnknownEventTypeIsATypedError() {
        #expect(throws: EventCodecError.unknownEventType("order.teleported")) {
            try codec.decode(eventType: "order.teleported", schemaVersion: 1, payload: Data("{}".utf8))
        }
    }

    @Test func aNewerSchemaVersionIsATypedError() {
        #expect(throws: EventCodecError.unsupportedSchemaVersion(eventType: "order.filled", version: 9, current: 1)) {
            try codec.decode(eventType: "order.filled", schemaVersion: 9, payload: Data("{}".utf8))
        }
    }

    @Test func anOlderVersionWithoutAnUpcasterIsATypedError() {
        #expect(throws: EventCodecError.unsupportedSchemaVersion(eventType: "order.filled", version: 0, current: 1)) {
            try codec.decode(eventType: "order.filled", schemaVersion: 0, payload: Data("{}".utf8))
        }
    }

    @Test func aMalformedPayloadIsATypedError() {
        do {
            _ = try codec.decode(eventType: "order.filled", schemaVersion: 1, payload: Data(#"{"qty":"1"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            guard case .malformedPayload(let type, 1, _) = error else { Issue.record("got \(error)"); return }
            #expect(type == "order.filled")
        }
    }

    @Test func aTypedDecodeRefusesAnotherAggregatesEvent() throws {
        let encoded = try codec.encode(Samples.order[0])
        #expect(throws: EventCodecError.unexpectedCategory(eventType: "order.requested", expected: "Domain.Position.Event")) {
            try codec.decode(Position.Event.self, eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, payload: encoded.payload)
        }
    }

    @Test func cycleStartedV1IsUpcastBySplittingTheOverloadedMode() throws {
        let v1 = #"""
            {"config_hash":"cfg","cycle_id":"cyc-1","funnel":{"catalyst":35,"final":5,"pattern":10,"technical":20,"universe":100},
             "idempotency_key":"k","mode":"supervised","requested_by":{"kind":"api"},"started_at":"2026-03-09T14:35:00Z","trading_date":"2026-03-09"}
            """#
        let event = try codec.decode(eventType: "cycle.started", schemaVersion: 1, payload: Data(v1.utf8))
        guard case .cycle(.started(let started)) = event else { Issue.record("got \(event)"); return }
        #expect(started.mode == .normal)
        #expect(started.sessionMode == .supervised)

        let aggressive = v1.replacingOccurrences(of: #""mode":"supervised""#, with: #""mode":"aggressive""#)
        guard case .cycle(.started(let s2)) = try codec.decode(eventType: "cycle.started", schemaVersion: 1, payload: Data(aggressive.utf8)) else {
            Issue.record("not a cycle start"); return
        }
        #expect(s2.mode == .aggressive)
        #expect(s2.sessionMode == .autonomous)
    }

    @Test func aFailingUpcastIsATypedError() {
        let bad = #"{"mode":"yolo"}"#
        do {
            _ = try codec.decode(eventType: "cycle.started", schemaVersion: 1, payload: Data(bad.utf8))
            Issue.record("expected an error")
        } catch {
            guard case .upcastFailed("cycle.started", 1, _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func decimalsAreWrittenAsStringsEverywhere() throws {
        for event in Samples.all {
            let json = try JSONDecoder().decode(JSONValue.self, from: try codec.encode(event).payload)
            for number in numbers(in: json) {
                // Only integer counts (volumes, indices, counts, durations) may be JSON numbers.
                #expect(DecimalText.round(number, scale: 0) == number, "\(event.eventType) has a non-integer JSON number \(number)")
            }
        }
        let payload = String(decoding: try codec.encode(Samples.cycle[1]).payload, as: UTF8.self)
        #expect(payload.contains(#""rsi_14":"63.2""#))
        #expect(payload.contains(#""composite":"0.76""#))
    }

    @Test func scanTypesStillReadNumbersWrittenBeforeDecimalsWereStrings() throws {
        let legacy = #"{"catalyst":0.8,"technical":0.7,"pattern":0.5,"momentum":0.6,"volume":0.9,"composite":0.71}"#
        let scores = try JSONDecoder().decode(ScoreComponents.self, from: Data(legacy.utf8))
        #expect(scores.composite == Decimal(string: "0.71"))
    }

    @Test func timestampsAreRFC3339UTCWithMicroseconds() throws {
        let date = try #require(RFC3339.parse("2026-03-09T09:30:00.123456-04:00"))
        #expect(RFC3339.format(date) == "2026-03-09T13:30:00.123456Z")
        #expect(RFC3339.format(T.open) == "2026-03-09T13:30:00Z")
        #expect(RFC3339.parse("2026-03-09T13:30:00Z") == T.open)
        #expect(RFC3339.parse("2026-03-09T13:30:00.1234567Z").map(RFC3339.format) == "2026-03-09T13:30:00.123457Z")
        #expect(RFC3339.parse("1969-12-31T23:59:59.5Z").map(RFC3339.format) == "1969-12-31T23:59:59.5Z")
        #expect(RFC3339.parse("2026-03-09 13:30:00Z") != nil)
        #expect(RFC3339.parse("2026-03-09T13:30:00") == nil)
        #expect(RFC3339.parse("2026-13-09T13:30:00Z") == nil)
        #expect(RFC3339.parse("not a date at all, no") == nil)
        for seconds in stride(from: -86_400 * 400, through: 86_400 * 40_000, by: 86_399 * 7 + 13) {
            let d = Date(timeIntervalSince1970: Double(seconds))
            #expect(RFC3339.parse(RFC3339.format(d)) == d)
        }
    }

    @Test func ledgerHashMatchesTheSHA256StandardVectors() {
        #expect(LedgerHash.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(LedgerHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            LedgerHash.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(LedgerHash.sha256Hex(String(repeating: "a", count: 1000)).count == 64)
    }

    @Test func metadataUsesTheCodecConventions() throws {
        let metadata = EventMetadata(
            correlationID: UUID(uuidString: "7a4c0f5e-3a52-4b8e-9a8e-0c1d2e3f4a5b")!, actor: Actor.principal("craig", kind: .human, name: "craig"), configHash: "cfg")
        let data = try codec.encodeValue(metadata)
        #expect(String(decoding: data, as: UTF8.self).contains(#""actor":"operator""#))
        #expect(try codec.decodeValue(EventMetadata.self, from: data) == metadata)
    }

    private func numbers(in json: JSONValue) -> [Decimal] {
        switch json {
        case .object(let o): o.values.flatMap(numbers(in:))
        case .array(let a): a.flatMap(numbers(in:))
        case .number(let n): [n]
        default: []
        }
    }
}
