import Foundation
import Glibc

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
    func nextBatch() throws -> [ArchivedEvent]? {
        guard !finished else { return nil }
        var batch: [ArchivedEvent] = []
        while batch.isEmpty {
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
            batch.reserveCapacity(chunk.count / 300)
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

    private func split(_ chunk: UnsafeRawBufferPointer, into batch: inout [ArchivedEvent]) throws {
        let base = chunk.baseAddress!
        var start = 0
        while start < chunk.count {
            guard let nl = memchr(base + start, 10, chunk.count - start) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
                return
            }
            let end = UnsafeRawPointer(nl) - base
            if carry.isEmpty {
                try decodeLine(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), into: &batch)
            } else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                try carry.withUnsafeBytes { try decodeLine($0, into: &batch) }
                carry.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
    }

    private func decodeLine(_ line: UnsafeRawBufferPointer, into batch: inout [ArchivedEvent]) throws {
        let a: ArchivedEvent
        do {
            a = try ArchiveLineDecoder.decode(line, hashes: decodeHashes)
        } catch {
            throw ArchiveError.corrupt(file: segment.file, seq: expectedSeq, reason: "the line does not parse: \(error.reason)")
        }
        guard a.seq == expectedSeq else {
            throw ArchiveError.corrupt(file: segment.file, seq: expectedSeq, reason: "found seq \(a.seq) where seq \(expectedSeq) belongs (seqs must be dense)")
        }
        guard a.seq <= segment.lastSeq else {
            throw ArchiveError.corrupt(file: segment.file, seq: a.seq, reason: "the segment holds more events than the manifest's last_seq \(segment.lastSeq)")
        }
        batch.append(a)
        expectedSeq += 1
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
