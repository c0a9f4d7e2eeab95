import Foundation
import Glibc

/// The events of one batch, with their seqs and stored hashes in parallel arrays, so replay can take
/// `events` as they are (no per-event copy out of a wrapper).
struct DecodedBatch {
    var events: [RecordedEvent] = []
    var seqs: [Int64] = []
    var hashes: [ChainHash] = []

    mutating func reserve(_ n: Int) {
        events.reserveCapacity(n)
        seqs.reserveCapacity(n)
        hashes.reserveCapacity(n)
    }

    var archived: [ArchivedEvent] {
        events.indices.map { ArchivedEvent(seq: seqs[$0], hash: hashes[$0], event: events[$0]) }
    }
}

/// Decodes one segment file into batches of archived events (all complete lines of one decompressed
/// chunk, about 1 MiB, per batch).
///
/// It checks what can be checked from the file alone: the LZ4 block and content checksums, that every
/// line parses, that the seqs run densely from the manifest's `first_seq` to its `last_seq`, the
/// uncompressed size, and (when opened with `hashing`) the file's SHA-256. Errors name the file and the
/// seq being read.
final class ArchiveSegmentReader {
    let segment: ArchiveManifest.Segment
    private let frame: LZ4FrameReader
    private let hashing: Bool
    private let decodeHashes: Bool
    private var carry: [UInt8] = []
    private(set) var expectedSeq: Int64
    private var finished = false

    init(directory: URL, segment: ArchiveManifest.Segment, hashing: Bool, decodeHashes: Bool) throws {
        self.segment = segment
        self.hashing = hashing
        self.decodeHashes = decodeHashes
        expectedSeq = segment.firstSeq
        frame = try LZ4FrameReader(path: directory.appendingPathComponent(segment.file).path, displayName: segment.file, hashing: hashing)
    }

    /// The next batch; nil after the last line once the end-of-segment checks have passed.
    func nextBatch() throws -> DecodedBatch? {
        guard !finished else { return nil }
        var batch = DecodedBatch()
        while batch.events.isEmpty {
            let chunk: UnsafeRawBufferPointer?
            do {
                chunk = try frame.next()
            } catch let e as ArchiveError {
                throw located(e)
            }
            guard let chunk else {
                try finish()
                return nil
            }
            batch.reserve(chunk.count / 256)
            try split(chunk, into: &batch)
        }
        return batch
    }

    /// Reads the rest of the file without decoding, so a failure report can say whether the file's
    /// SHA-256 still matches the manifest.
    func shaMatchesAfterFailure() -> Bool? {
        guard hashing else { return nil }
        frame.drainForHash()
        return frame.sha256().map { $0 == segment.sha256 }
    }

    private func split(_ chunk: UnsafeRawBufferPointer, into batch: inout DecodedBatch) throws {
        // The running seq lives in a local while the chunk is decoded: a class property written per line
        // would pay a dynamic exclusivity check every time.
        var seq = expectedSeq
        defer { expectedSeq = seq }
        let base = chunk.baseAddress!
        var start = 0
        // Only the chunk's first line can continue the carried-over tail of the previous chunk.
        if !carry.isEmpty {
            guard let nl = memchr(base, 10, chunk.count) else {
                carry.append(contentsOf: chunk)
                return
            }
            let end = UnsafeRawPointer(nl) - base
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
            try carry.withUnsafeBytes { try decodeLine($0, seq: &seq, into: &batch) }
            carry.removeAll(keepingCapacity: true)
            start = end + 1
        }
        while start < chunk.count {
            guard let nl = memchr(base + start, 10, chunk.count - start) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
                return
            }
            let end = UnsafeRawPointer(nl) - base
            try decodeLine(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), seq: &seq, into: &batch)
            start = end + 1
        }
    }

    private func decodeLine(_ line: UnsafeRawBufferPointer, seq expected: inout Int64, into batch: inout DecodedBatch) throws {
        let (seq, hash, event): (Int64, ChainHash, RecordedEvent)
        do {
            (seq, hash, event) = try ArchiveLineDecoder.decodeParts(line, hashes: decodeHashes)
        } catch {
            throw ArchiveError.corrupt(file: segment.file, seq: expected, reason: "the line does not parse: \(error.reason)")
        }
        guard seq == expected else {
            throw ArchiveError.corrupt(file: segment.file, seq: expected, reason: "found seq \(seq) where seq \(expected) belongs (seqs must be dense)")
        }
        guard seq <= segment.lastSeq else {
            throw ArchiveError.corrupt(file: segment.file, seq: seq, reason: "the segment holds more events than the manifest's last_seq \(segment.lastSeq)")
        }
        batch.events.append(event)
        batch.seqs.append(seq)
        batch.hashes.append(hash)
        expected += 1
    }

    private func finish() throws {
        finished = true
        guard carry.isEmpty else {
            throw ArchiveError.corrupt(file: segment.file, seq: expectedSeq, reason: "the last line is not terminated by a newline")
        }
        guard expectedSeq == segment.lastSeq + 1 else {
            throw ArchiveError.corrupt(file: segment.file, seq: expectedSeq, reason: "the segment ends before the manifest's last_seq \(segment.lastSeq)")
        }
        guard frame.uncompressedBytes == segment.uncompressedBytes else {
            throw ArchiveError.corrupt(
                file: segment.file, seq: nil,
                reason: "holds \(frame.uncompressedBytes) uncompressed bytes, the manifest says \(segment.uncompressedBytes)")
        }
        if hashing, let sha = frame.sha256(), sha != segment.sha256 {
            throw ArchiveError.corrupt(file: segment.file, seq: nil, reason: "SHA-256 is \(sha), the manifest says \(segment.sha256)")
        }
    }

    /// Adds the seq being decoded to a frame-level error ("after seq N" is where the damage starts).
    private func located(_ e: ArchiveError) -> ArchiveError {
        guard case .corrupt(let file, nil, let reason) = e else { return e }
        return .corrupt(file: file, seq: expectedSeq, reason: reason)
    }
}
