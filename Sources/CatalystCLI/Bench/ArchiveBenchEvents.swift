import EventStore
import Foundation

/// Trading-shaped events for the archive benchmark: about 260 bytes of payload (as `jsonb` prints it) whose ids, prices,
/// quantities and times vary from event to event (a fixed payload would compress unrealistically well),
/// from a seeded generator so every run writes the same kind of data.
struct ArchiveBenchEvents {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    private mutating func next() -> UInt64 {
        // xorshift64*: cheap, deterministic, good enough to vary digits.
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }

    private mutating func hex(_ digits: Int) -> String {
        var s = ""
        while s.count < digits { s += String(next(), radix: 16) }
        return String(s.prefix(digits))
    }

    private static let symbols = ["ACME", "NVDA", "AAPL", "TSLA", "AMD", "PLTR", "SOFI", "RIVN", "MARA", "GME", "SMCI", "IONQ"]
    private static let types = ["order.filled", "order.submitted", "order.acknowledged", "scan.candidate", "risk.approved", "position.marked"]

    /// `count` events for `stream`, in one batch.
    mutating func make(stream: String, count: Int, at base: Date) -> [NewEvent] {
        (0..<count).map { i in
            let symbol = Self.symbols[Int(next() % UInt64(Self.symbols.count))]
            let qty = 1 + next() % 500
            let price = 100_000 + next() % 4_000_000  // 10.0000 … 410.0000
            let micros = next() % 1_000_000
            let payload = """
                {"order_id":"ord-\(hex(12))","execution_id":"exe-\(hex(16))","symbol":"\(symbol)","side":"\(next() % 2 == 0 ? "buy" : "sell")",\
                "qty":"\(qty)","price":"\(price / 10_000).\(String(format: "%04d", Int(price % 10_000)))","cumulative_qty":"\(qty)",\
                "venue":"paper","liquidity":"\(next() % 3 == 0 ? "maker" : "taker")","fee":"0.\(next() % 100)",\
                "filled_at":"2026-11-21T14:\(10 + next() % 50):\(10 + next() % 50).\(micros)Z"}
                """
            let metadata = """
                {"actor":"system","correlation_id":"\(UUID().uuidString.lowercased())","causation_id":"\(UUID().uuidString.lowercased())","code_version":"0.9.\(i % 3)"}
                """
            return NewEvent(
                eventID: UUID(), streamID: stream, eventType: Self.types[Int(next() % UInt64(Self.types.count))], schemaVersion: 1,
                payload: Data(payload.utf8), metadata: Data(metadata.utf8), occurredAt: base.addingTimeInterval(Double(next() % 23_400)))
        }
    }
}
