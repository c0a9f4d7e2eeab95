import CatalystTestKit
import Domain
import EventStore
import Foundation
import MarketData
import Testing

/// The hand-written decoders of the hottest event types (`scan.candidate_evaluated`, `signal.generated`,
/// `observation.candidate_prices`, `position.marked`, `risk.marks_recorded`) must build exactly what
/// `JSONDecoder` builds, or give up.
@Suite struct HotEventDecoderTests {
    static let general = EventCodec(hotPath: false)

    /// Every hot event of a simulated day, as PostgreSQL's `jsonb` prints it (its own key order and spacing)
    /// and as our encoder writes it (sorted keys), is read by the hot path and equals the general decode.
    @Test func everyHotEventOfASimulatedDayDecodesAsJSONDecoderDecodesIt() async throws {
        let day = try await SimulatedDay.get()
        let all = try await day.allEvents()
        let hot = all.filter { EventCodec.isHotPath($0.eventType) }
        #expect(Set(hot.map(\.eventType)) == [
                "scan.candidate_evaluated", "signal.generated", "observation.candidate_prices", "position.marked", "risk.marks_recorded",
            ])
        var readByHotPath = 0
        for e in hot {
            let expected = try Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)
            let fromTable = EventCodec.hotPathDecode(eventType: e.eventType, payload: e.payload)
            let fromEncoder = EventCodec.hotPathDecode(eventType: e.eventType, payload: try Self.general.encode(expected).payload)
            #expect(fromTable == expected, "position \(e.position)")
            #expect(fromEncoder == expected, "position \(e.position)")
            if fromTable != nil && fromEncoder != nil { readByHotPath += 1 }
        }
        #expect(hot.count > 500 && readByHotPath == hot.count)
    }

    /// Mutated payloads (decimals as numbers, nulls, unknown and missing keys, escapes, whitespace,
    /// truncation, flipped bytes): the codec with the hot path gives what `JSONDecoder` gives (the same
    /// event, or an error), and the hot path alone never builds a value `JSONDecoder` would not.
    @Test func mutatedPayloadsDecodeAsJSONDecoderDecodesThemOrAreLeftToIt() async throws {
        let day = try await SimulatedDay.get()
        let batch = try await day.allEvents()
        let hot = batch.filter { EventCodec.isHotPath($0.eventType) }
        try #require(hot.count >= 100)
        var rng = SplitMix64(seed: 21)
        var agreedOnValue = 0, bothRefused = 0, leftToJSONDecoder = 0
        for round in 0..<4_000 {
            let e = hot[Int(rng.next() % UInt64(hot.count))]
            let text = String(decoding: e.payload, as: UTF8.self)
            let mutated = Data(Self.mutate(text, round: round, rng: &rng).utf8)
            let expected = try? Self.general.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: mutated)
            let viaCodec = try? EventCodec().decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: mutated)
            let hotOnly = EventCodec.hotPathDecode(eventType: e.eventType, payload: mutated)
            #expect(viaCodec == expected, "round \(round): \(mutated.prefix(400))")
            if let hotOnly {
                #expect(hotOnly == expected, "round \(round)")
                agreedOnValue += 1
            } else if expected == nil {
                bothRefused += 1
            } else {
                leftToJSONDecoder += 1
            }
        }
        // The mutations exercise all three outcomes.
        #expect(agreedOnValue > 300 && bothRefused > 300 && leftToJSONDecoder > 300, "\(agreedOnValue) \(bothRefused) \(leftToJSONDecoder)")
    }

    static func mutate(_ text: String, round: Int, rng: inout SplitMix64) -> String {
        var s = text
        func replaceRandom(_ pattern: String, with make: (String) -> String) { replaceRandomMatch(of: pattern, in: &s, rng: &rng, with: make) }
        switch round % 12 {
        case 0: replaceRandom(#""-?[0-9]+\.[0-9]+""#) { String($0.dropFirst().dropLast()) }  // decimal string → JSON number
        case 1: replaceRandom(#""[a-z_0-9]+": "[^"]*""#) { $0.components(separatedBy: ": ")[0] + ": null" }  // a string field → null
        case 2: replaceRandom(#"\{"#) { _ in #"{"unexpected": [1, {"x": "y"}], "#  }  // unknown key
        case 3: replaceRandom(#""[a-z_0-9]+": "[^"]*", "#) { _ in "" }  // drop a field
        case 4: replaceRandom(#""[A-Z]{1,5}""#) { "\"\\u0041" + $0.dropFirst() }  // an escape in a symbol
        case 5: s = s.replacingOccurrences(of: ", ", with: " ,\n\t ")  // other whitespace
        case 6: s = String(s.prefix(Int(rng.next() % UInt64(max(1, s.utf8.count)))))  // truncated
        case 7:  // a flipped byte
            var bytes = Array(s.utf8)
            bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(32 + rng.next() % 95)
            s = String(decoding: bytes, as: UTF8.self)
        case 8: replaceRandom(#""[a-z_]+": "#) { $0 + $0 }  // a repeated key (dangling: malformed)
        case 9: replaceRandom(#": [0-9]+"#) { $0 + ".5" }  // a fraction where an integer belongs
        case 10: replaceRandom(#""[a-z_0-9]+": "[^"]*""#) { String($0.dropLast()) + "é\"" }  // non-ASCII text
        default: s += " x"  // trailing garbage
        }
        return s
    }
}

/// Replaces one match of `pattern` in `s`, chosen by `rng`, with `make(match)`; nothing when none matches.
func replaceRandomMatch(of pattern: String, in s: inout String, rng: inout SplitMix64, with make: (String) -> String) {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return }
    let matches = regex.matches(in: s, range: NSRange(s.startIndex..., in: s))
    guard !matches.isEmpty else { return }
    let m = matches[Int(rng.next() % UInt64(matches.count))]
    let r = Range(m.range, in: s)!
    s.replaceSubrange(r, with: make(String(s[r])))
}
