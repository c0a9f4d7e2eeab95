import Domain
import EventStore
import Foundation
import Synchronization

/// Decodes the wanted events of a batch on every core, keeping log order. JSON decoding is what a
/// replay spends its time on (reading and folding are cheap), and the events of a batch are independent.
enum BatchDecoder {
    /// Below this many wanted events a batch is decoded on the calling thread.
    static let parallelThreshold = 256

    /// Reads every batch and hands each wanted event, decoded, to `consume` in log order. The next batch is
    /// read and decoded while this one is consumed: the database (or the LZ4 decoder) and the cores that
    /// decode work while the fold, which is sequential, runs.
    static func replay(
        _ next: @escaping LabelRun.Batches, wanted: Set<String>, codec: EventCodec, _ consume: (_ position: Int64, _ streamID: String, LedgerEvent) -> Void
    ) async throws -> (read: Int, decoded: Int) {
        @Sendable func readAndDecode() async throws -> (read: Int, events: [(position: Int64, streamID: String, event: LedgerEvent)])? {
            guard let batch = try await next() else { return nil }
            return (batch.passed, try decode(batch.events, wanted: wanted, codec: codec))
        }
        var read = 0, decoded = 0
        var ahead = Task { try await readAndDecode() }
        defer { ahead.cancel() }
        while let batch = try await ahead.value {
            ahead = Task { try await readAndDecode() }
            read += batch.read
            for e in batch.events {
                consume(e.position, e.streamID, e.event)
                decoded += 1
            }
        }
        return (read, decoded)
    }

    static func decode(_ batch: [RecordedEvent], wanted: Set<String>, codec: EventCodec) throws -> [(position: Int64, streamID: String, event: LedgerEvent)] {
        // A typed page holds only wanted events: no copy of the batch then.
        let picked = batch.allSatisfy { wanted.contains($0.eventType) } ? batch : batch.filter { wanted.contains($0.eventType) }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, picked.count / parallelThreshold))
        if workers <= 1 {
            return try picked.map { e in (e.position, e.streamID, try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)) }
        }
        let slots = Slots()
        let chunk = (picked.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (w * chunk)..<min(picked.count, (w + 1) * chunk)
            var out: [(position: Int64, streamID: String, event: LedgerEvent)] = []
            out.reserveCapacity(range.count)
            do {
                for i in range {
                    let e = picked[i]
                    out.append((e.position, e.streamID, try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload)))
                }
                slots.store(out, at: range.lowerBound)
            } catch {
                slots.fail(error, at: range.lowerBound)
            }
        }
        return try slots.take(count: picked.count)
    }

    /// Each worker's results, by the index of its first event; the first failure in log order wins.
    private final class Slots: Sendable {
        typealias Decoded = (position: Int64, streamID: String, event: LedgerEvent)
        private let parts = Mutex<[(Int, [Decoded])]>([])
        private let failure = Mutex<(Int, any Error)?>(nil)

        func store(_ events: [Decoded], at start: Int) { parts.withLock { $0.append((start, events)) } }
        func fail(_ error: any Error, at start: Int) {
            failure.withLock { f in if f == nil || start < f!.0 { f = (start, error) } }
        }
        /// Every worker's events in log order (one copy), or the first failure in log order.
        func take(count: Int) throws -> [Decoded] {
            if let error = failure.withLock({ $0?.1 }) { throw error }
            return parts.withLock { parts in
                var out: [Decoded] = []
                out.reserveCapacity(count)
                for part in parts.sorted(by: { $0.0 < $1.0 }) { out.append(contentsOf: part.1) }
                return out
            }
        }
    }
}
