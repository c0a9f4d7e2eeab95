import CatalystApp
import CatalystTestKit
import Domain
import EventStore
import Foundation
import Labelling
import MarketData
import Testing

/// `DecisionGlimpse.read` reads a few fields of `risk.approved`, `risk.denied` and `order.requested`
/// without `JSONDecoder`: it must read exactly what the decoded event holds, or give up.
@Suite struct DecisionGlimpseTests {
    static let general = EventCodec(hotPath: false)

    static func events(_ day: SimulatedDay) async throws -> [RecordedEvent] {
        try await day.allEvents().filter { DecisionGlimpse.eventTypes.contains($0.eventType) }
    }

    /// Every decision and order request of a simulated day, as stored and as our encoder writes it, is read
    /// in part and equals the glimpse of the whole decoded event.
    @Test func everyDecisionOfASimulatedDayIsReadAsTheDecodedEventHoldsIt() async throws {
        let day = try await SimulatedDay.get()
        let events = try await Self.events(day)
        #expect(Set(events.map(\.eventType)) == DecisionGlimpse.eventTypes)
        var kinds: [String: Int] = [:]
        for e in events {
            let decoded = try Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)
            let expected = try #require(DecisionGlimpse(decoded))
            let stored = DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)
            let encoded = DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: try Self.general.encode(decoded).payload)
            #expect(stored == expected, "position \(e.position)")
            #expect(encoded == expected, "position \(e.position)")
            kinds[e.eventType, default: 0] += 1
        }
        // The day holds each kind, with and without the optional fields (legs' parent order, denials' reasons).
        #expect(kinds.values.allSatisfy { $0 >= 5 }, "\(kinds)")
        #expect(events.contains { $0.eventType == "order.requested" && String(decoding: $0.payload, as: UTF8.self).contains("parent_order_id") })
    }

    /// An older schema version, or a type it does not read, is left to the whole decode.
    @Test func otherVersionsAndTypesAreLeftToTheWholeDecode() async throws {
        let day = try await SimulatedDay.get()
        let e = try #require(try await Self.events(day).first { $0.eventType == "risk.approved" })
        #expect(DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) != nil)
        #expect(DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion - 1, payload: e.payload) == nil)
        #expect(DecisionGlimpse.read(eventType: "risk.approval_released", schemaVersion: 1, payload: e.payload) == nil)
    }

    /// Keys it does not read are skipped whatever they hold (nested arrays and objects, escapes, numbers,
    /// literals), as `JSONDecoder` skips keys a type does not know.
    @Test func unknownKeysAreSkippedWhateverTheyHold() async throws {
        let day = try await SimulatedDay.get()
        for e in try await Self.events(day).prefix(60) {
            let expected = DecisionGlimpse(try Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload))
            var text = String(decoding: e.payload, as: UTF8.self)
            text.insert(contentsOf: #""zz_new":{"a":[1,-2.5e3,"x\"}]y",{"b":null,"c":[]}],"d":true,"e":"\\"} , "#, at: text.index(after: text.startIndex))
            let payload = Data(text.utf8)
            #expect(DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: payload) == expected)
            #expect(DecisionGlimpse(try Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: payload)) == expected)
        }
    }

    /// Mutated payloads: whenever a glimpse is read and `JSONDecoder` decodes the payload, they agree; the
    /// mutations exercise reading, giving up, and both refusing.
    @Test func mutatedPayloadsAreReadAsJSONDecoderReadsThemOrLeftToIt() async throws {
        let day = try await SimulatedDay.get()
        let events = try await Self.events(day)
        var rng = SplitMix64(seed: 34)
        var agreed = 0, leftToJSONDecoder = 0, bothRefused = 0
        for round in 0..<3_000 {
            let e = events[Int(rng.next() % UInt64(events.count))]
            let mutated = Data(Self.mutate(String(decoding: e.payload, as: UTF8.self), round: round, rng: &rng).utf8)
            let decoded = (try? Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: mutated)).flatMap(DecisionGlimpse.init)
            let glimpse = DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: mutated)
            if let glimpse, let decoded {
                #expect(glimpse == decoded, "round \(round): \(String(decoding: mutated.prefix(400), as: UTF8.self))")
                agreed += 1
            } else if decoded != nil {
                leftToJSONDecoder += 1
            } else if glimpse == nil {
                bothRefused += 1
            }
        }
        #expect(agreed > 300 && leftToJSONDecoder > 300 && bothRefused > 100, "\(agreed) \(leftToJSONDecoder) \(bothRefused)")
    }

    /// The labeller gives the same rows whether decisions are read in part or decoded whole.
    @Test func theLabellerGivesTheSameRowsEitherWay() async throws {
        let day = try await SimulatedDay.get()
        let inPart = try await LabelRun.fold(LabelRun.table(day.store), labeller: Labeller())
        let whole = try await LabelRun.fold(LabelRun.table(day.store), labeller: Labeller(), codec: EventCodec(hotPath: false))
        let rows = inPart.labeller.rows()
        #expect(rows.contains { $0.decision == "ordered" || $0.decision == "traded" } && rows.contains { $0.decision == "risk_denied" })
        #expect(LabelRun.csv(rows, barriers: .standard) == LabelRun.csv(whole.labeller.rows(), barriers: .standard))
        #expect(inPart.eventsDecoded == whole.eventsDecoded)
    }

    static func mutate(_ text: String, round: Int, rng: inout SplitMix64) -> String {
        var s = text
        func replaceRandom(_ pattern: String, with make: (String) -> String) { replaceRandomMatch(of: pattern, in: &s, rng: &rng, with: make) }
        let field = #""(approval_id|signal_id|parent_order_id|client_order_id|qty|code)": ?"[^"]*""#
        switch round % 10 {
        case 0: replaceRandom(#""qty": ?"[0-9.]+""#) { $0.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "qty:", with: "\"qty\":") }  // a number
        case 1: replaceRandom(field) { String($0.prefix { $0 != ":" }) + ":null" }  // a read field → null
        case 2: replaceRandom(#"\{"#) { _ in #"{"unexpected":[1,{"x":"y"}],"# }  // unknown key
        case 3: replaceRandom(field + ",") { _ in "" }  // drop a read field
        case 4: replaceRandom(field) { String($0.dropLast(2)) + "\\u0041\"" }  // an escape in a read value
        case 5: s = s.replacingOccurrences(of: ",", with: " ,\n\t ")  // other whitespace
        case 6: s = String(s.prefix(Int(rng.next() % UInt64(max(1, s.utf8.count)))))  // truncated
        case 7: replaceRandom(field) { $0 + "," + $0 }  // a read key repeated
        case 8: replaceRandom(#""code": ?"[a-z_]+""#) { _ in #""code":"no_such_rule""# }  // an unknown reason
        default:  // a flipped byte
            var bytes = Array(s.utf8)
            bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(32 + rng.next() % 95)
            s = String(decoding: bytes, as: UTF8.self)
        }
        return s
    }
}
