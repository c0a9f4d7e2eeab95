import Foundation

/// Reads one archive directory in audit-sequence order, segment after segment, in batches.
///
/// Besides what each segment checks on its own (LZ4 checksums, dense seqs, sizes), it checks that the
/// events are in strictly increasing reader order `(tx_id, global_position)` and that each segment's
/// first and last positions and the archive's first and last cursors are the ones the manifest records.
/// It does not recompute the hash chain; `ArchiveVerifier` does.
public final class ArchiveReader {
    public let directory: URL
    public let manifest: ArchiveManifest
    private let hashing: Bool
    private let decodeHashes: Bool
    private var index = 0
    private var segment: ArchiveSegmentReader?
    private var lastCursor: LogCursor?
    private var segmentFirst: Int64?
    private var segmentLast: Int64?

    /// - Parameters:
    ///   - verifyFileHashes: also compute each file's SHA-256 and compare it with the manifest.
    ///   - decodeHashes: parse each line's chain hash into `ArchivedEvent.hash`; replay, which only needs
    ///     the events, passes false (the hash is then `ChainHash.zero`).
    public init(directory: URL, verifyFileHashes: Bool = false, decodeHashes: Bool = true) throws {
        self.directory = directory
        self.manifest = try ArchiveManifest.load(from: directory)
        self.hashing = verifyFileHashes
        self.decodeHashes = decodeHashes
    }

    /// The next batch of events in seq order, with their seqs and stored hashes; nil after the last one.
    public func nextBatch() throws -> [ArchivedEvent]? {
        try nextDecoded()?.archived
    }

    /// Only the events, for replay (the fast path: no per-event wrapper).
    public func nextEvents() throws -> [RecordedEvent]? {
        try nextDecoded()?.events
    }

    func nextDecoded() throws -> DecodedBatch? {
        while index < manifest.segments.count {
            if segment == nil {
                segment = try ArchiveSegmentReader(
                    directory: directory, segment: manifest.segments[index], hashing: hashing, decodeHashes: decodeHashes)
                segmentFirst = nil
            }
            if let batch = try segment!.nextBatch() {
                try checkOrder(batch)
                return batch
            }
            try endOfSegment(manifest.segments[index])
            segment = nil
            index += 1
        }
        return nil
    }

    /// After a failure: whether the failing segment's SHA-256 still matches (nil when not hashing).
    func currentSegmentShaMatches() -> Bool? { segment?.shaMatchesAfterFailure() }

    private func checkOrder(_ batch: DecodedBatch) throws {
        let file = manifest.segments[index].file
        if segmentFirst == nil { segmentFirst = batch.events.first?.position }
        // A local copy of the cursor: a class property written per event pays an exclusivity check each time.
        var last = lastCursor
        defer { lastCursor = last }
        for (i, e) in batch.events.enumerated() {
            let cursor = e.cursor
            if let previous = last {
                guard previous < cursor else {
                    throw ArchiveError.corrupt(file: file, seq: batch.seqs[i], reason: "event \(cursor) is not after \(previous) in reader order")
                }
            } else if ArchiveCursor(cursor) != manifest.firstCursor {
                throw ArchiveError.corrupt(file: file, seq: batch.seqs[i], reason: "the first event's cursor \(cursor) is not the manifest's first_cursor")
            }
            last = cursor
        }
        segmentLast = batch.events.last?.position
    }

    private func endOfSegment(_ s: ArchiveManifest.Segment) throws {
        guard segmentFirst == s.firstGlobalPosition, segmentLast == s.lastGlobalPosition else {
            throw ArchiveError.corrupt(file: s.file, seq: nil, reason: "first/last global positions differ from the manifest's")
        }
        if index == manifest.segments.count - 1, let lastCursor, ArchiveCursor(lastCursor) != manifest.lastCursor {
            throw ArchiveError.corrupt(file: s.file, seq: s.lastSeq, reason: "the last event's cursor \(lastCursor) is not the manifest's last_cursor")
        }
    }
}
