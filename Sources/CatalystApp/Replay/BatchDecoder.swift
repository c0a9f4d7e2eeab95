import Domain
import EventStore
import Foundation
import Synchronization

/// Decodes the wanted events of a batch on every core, keeping log order. JSON decoding is what a
/// replay spends its time on (reading and folding are cheap), and the events of a batch are independent.
enum BatchDecoder {
    /// Below this many wanted events a batch is decoded on the calling thread.
    static let parallelThreshold = 256

    /// One decoded event with where it stands in the log.
    struct Decoded<Value: Sendable>: Sendable {
        var position: Int64
        var streamID: String
        var value: Value
    }

    /// Reads every batch and hands each wanted event, decoded, to `consume` in log order. The next batch is
    /// read and decoded while this one is consumed: the database (or the LZ4 decoder) and the cores that
    /// decode work while the fold, which is sequential, runs.
    static func replay(
        _ next: @escaping LabelRun.Batches, wanted: Set<String>, codec: EventCodec, _ consume: (_ position: Int64, _ streamID: String, LedgerEvent) -> Void
    ) async throws -> (read: Int, decoded: Int) {
        try await replay(next, wanted: wanted, decode: { e in try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) }, consume)
    }

    /// The same with the caller's decoding (the labeller reads some types only in part).
    static func replay<Value: Sendable>(
        _ next: @escaping LabelRun.Batches, wanted: Set<String>, decode: @escaping @Sendable (RecordedEvent) throws -> Value,
        _ consume: (_ position: Int64, _ streamID: String, Value) -> Void
    ) async throws -> (read: Int, decoded: Int) {
        @Sendable func readAndDecode() async throws -> (read: Int, events: [Decoded<Value>])? {
            guard let batch = try await next() else { return nil }
            return (batch.passed, try Self.decode(batch.events, wanted: wanted, decode: decode))
        }
        var read = 0, decoded = 0
        var ahead = Task { try await readAndDecode() }
        defer { ahead.cancel() }
        while let batch = try await ahead.value {
            ahead = Task { try await readAndDecode() }
            read += batch.read
            for e in batch.events {
                consume(e.position, e.streamID, e.value)
                decoded += 1
            }
        }
        return (read, decoded)
    }

    static func decode<Value: Sendable>(
        _ batch: [RecordedEvent], wanted: Set<String>, decode: @Sendable (RecordedEvent) throws -> Value
    ) throws -> [Decoded<Value>] {
        // A typed page holds only wanted events: no copy of the batch then.
        let picked = batch.allSatisfy { wanted.contains($0.eventType) } ? batch : batch.filter { wanted.contains($0.eventType) }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, picked.count / parallelThreshold))
        if workers <= 1 {
            return try picked.map { e in Decoded(position: e.position, streamID: e.streamID, value: try decode(e)) }
        }
        let slots = Slots<Value>()
        let chunk = (picked.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (w * chunk)..<min(picked.count, (w + 1) * chunk)
            var out: [Decoded<Value>] = []
            out.reserveCapacity(range.count)
            do {
                for i in range {
                    let e = picked[i]
                    out.append(Decoded(position: e.position, streamID: e.streamID, value: try decode(e)))
                }
                slots.store(out, at: range.lowerBound)
            } catch {
                slots.fail(error, at: range.lowerBound)
            }
        }
        return try slots.take(count: picked.count)
    }

    /// Each worker's results, by the index of its first event; the first failure in log order wins.
    private final class Slots<Value: Sendable>: Sendable {
        private let parts = Mutex<[(Int, [Decoded<Value>])]>([])
        private let failure = Mutex<(Int, any Error)?>(nil)

        func store(_ events: [Decoded<Value>], at start: Int) { parts.withLock { $0.append((start, events)) } }
        func fail(_ error: any Error, at start: Int) {
            failure.withLock { f in if f == nil || start < f!.0 { f = (start, error) } }
        }
        /// Every worker's events in log order (one copy), or the first failure in log order.
        func take(count: Int) throws -> [Decoded<Value>] {
            if let error = failure.withLock({ $0?.1 }) { throw error }
            return parts.withLock { parts in
                var out: [Decoded<Value>] = []
                out.reserveCapacity(count)
                for part in parts.sorted(by: { $0.0 < $1.0 }) { out.append(contentsOf: part.1) }
                return out
            }
        }
    }
}
