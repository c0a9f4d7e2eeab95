import Crypto
import Domain
import EventStore
import Foundation
import Labelling
import Synchronization

/// Feeds the log into the labeller and writes its rows as CSV (plain or LZ4 frame). The only I/O around
/// the pure `Labeller`: batches of recorded events in, a file out.
public enum LabelRun {
    /// A source of recorded events in reader order, batch by batch; nil when exhausted.
    /// Called again only after the previous call has returned.
    public typealias Batches = @Sendable () async throws -> LogBatch?

    /// One batch of a replay: the events a reader asked for, and how far the batch went in the log.
    public struct LogBatch: Sendable {
        /// The events handed over whole (every event, or those of the types asked for), in log order.
        public var events: [RecordedEvent]
        /// Every event the batch passed, handed over or not.
        public var passed: Int
        /// The global position of the last event passed.
        public var lastPosition: Int64

        public init(events: [RecordedEvent], passed: Int, lastPosition: Int64) {
            self.events = events
            self.passed = passed
            self.lastPosition = lastPosition
        }
    }

    public struct Fold: Sendable {
        public var labeller: Labeller
        /// Events read from the log (every type) and those decoded for the labeller.
        public var eventsRead = 0
        public var eventsDecoded = 0
    }

    /// Reads every batch, decodes only the event types the labeller uses (on every core) and folds them in log order.
    /// Risk decisions and order requests are read only in the fields the labeller uses (`DecisionGlimpse`).
    public static func fold(_ next: @escaping Batches, labeller: Labeller, codec: EventCodec = EventCodec()) async throws -> Fold {
        var fold = Fold(labeller: labeller)
        (fold.eventsRead, fold.eventsDecoded) = try await BatchDecoder.replay(next, wanted: Labeller.eventTypes, decode: { e in
            try LabelInput(e, codec: codec)
        }) { position, _, input in
            switch input {
            case .event(let event): fold.labeller.consume(event, position: position)
            case .decision(let glimpse): fold.labeller.consume(glimpse, position: position)
            }
        }
        return fold
    }

    /// One event for the labeller: a glimpse of a decision or order request when it can be read in part, the
    /// whole decoded event otherwise.
    enum LabelInput: Sendable {
        case event(LedgerEvent)
        case decision(DecisionGlimpse)

        init(_ e: RecordedEvent, codec: EventCodec) throws {
            if codec.hotPathEnabled, let glimpse = DecisionGlimpse.read(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload) {
                self = .decision(glimpse)
            } else {
                self = .event(try codec.decode(eventType: e.eventType, schemaVersion: e.schemaVersion, payload: e.payload))
            }
        }
    }

    /// The whole table in reader order: every event committed when the first batch is asked for. With
    /// `types`, every event still passes, but only those types come back (typed pages: the server never
    /// sends the other payloads). Each batch asks for the next page before it is handed over, so the server
    /// reads page n + 1 while the caller decodes and folds page n.
    public static func table(_ store: PostgresEventStore, types: Set<String>? = nil, pageSize: Int = 10_000) -> Batches {
        @Sendable func read(after cursor: LogCursor, reaching target: UInt64) async throws -> (LogBatch, LogCursor)? {
            if let types {
                let page = try await store.readAll(after: cursor, limit: pageSize, types: types, reaching: target)
                guard let last = page.last else { return nil }
                return (LogBatch(events: page.events, passed: page.count, lastPosition: last.position), last)
            }
            let batch = try await store.readAll(after: cursor, limit: pageSize, reaching: target)
            guard let last = batch.last else { return nil }
            return (LogBatch(events: batch, passed: batch.count, lastPosition: last.position), last.cursor)
        }
        let box = ReaderBox()
        return {
            if box.reader == nil {
                let target = try await store.catchUpTarget()
                box.reader = LogReadAhead(after: .start) { cursor in try await read(after: cursor, reaching: target) }
            }
            return try await box.reader!.next()
        }
    }

    /// Archives plus the live table as one continuous log.
    public static func continuous(_ log: ContinuousLog) -> Batches {
        let box = IteratorBox(log.makeAsyncIterator())
        return {
            guard let batch = try await box.iterator.nextBatch(), let last = batch.last else { return nil }
            return LogBatch(events: batch, passed: batch.count, lastPosition: last.position)
        }
    }

    public struct Written: Sendable {
        public var rows: Int
        public var bytes: Int
        /// SHA-256 of the CSV text (the same for `.csv` and `.csv.lz4`).
        public var csvSHA256: String
        /// SHA-256 of the file written (the compressed bytes for `.lz4`).
        public var fileSHA256: String
    }

    /// Renders the rows (deterministically: rows in log order of their decision events).
    public static func csv(_ rows: [LabelRow], barriers: BarrierSpec) -> [UInt8] {
        // Rows are independent: render chunks on every core, then join them in order.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 2_000))
        let chunk = (rows.count + workers - 1) / max(workers, 1)
        let parts = Mutex<[Int: [UInt8]]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var bytes: [UInt8] = []
            for r in rows[min(rows.count, w * chunk)..<min(rows.count, (w + 1) * chunk)] {
                bytes.append(contentsOf: LabelCSV.line(r, barriers: barriers).utf8)
            }
            parts.withLock { $0[w] = bytes }
        }
        var out = Array(LabelCSV.header.utf8)
        parts.withLock { p in for w in 0..<workers { out.append(contentsOf: p[w] ?? []) } }
        return out
    }

    /// Writes `bytes` to `path`, LZ4-framed when the name ends in `.lz4`; replaces an existing file.
    public static func write(_ bytes: [UInt8], rows: Int, to path: String) throws -> Written {
        try? FileManager.default.removeItem(atPath: path)
        let csvHash = hex(SHA256.hash(data: bytes))
        if path.hasSuffix(".lz4") {
            let w = try LZ4FrameWriter(path: path)
            try w.write(bytes)
            let s = try w.finish()
            return Written(rows: rows, bytes: Int(s.compressedBytes), csvSHA256: csvHash, fileSHA256: s.sha256)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return Written(rows: rows, bytes: bytes.count, csvSHA256: csvHash, fileSHA256: csvHash)
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// The table's reader, made on the first call of a `Batches` closure (calls are never concurrent, see `Batches`).
private final class ReaderBox: @unchecked Sendable {
    var reader: LogReadAhead<LabelRun.LogBatch>?
}

private final class IteratorBox: @unchecked Sendable {
    var iterator: ContinuousLog.Iterator
    init(_ iterator: ContinuousLog.Iterator) { self.iterator = iterator }
}
