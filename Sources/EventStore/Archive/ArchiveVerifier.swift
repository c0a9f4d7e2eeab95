import Foundation

/// `catalyst archive verify`: proves an archive is whole and untouched without any database.
///
/// Checks, in one pass over every file: the manifest's bytes against `manifest.sha256` and its internal
/// consistency; each segment's SHA-256, LZ4
/// block and content checksums, size and dense seqs; reader order; and the hash chain, recomputed with
/// `AuditChain.link` over every event from the manifest's `chain_start_hash`, against the hash stored on
/// each line, each segment's `chain_end_hash` and the archive's. Optionally an anchor exported by
/// `catalyst audit anchor` (kept outside the database and the archive) pins the chain at its seq.
public enum ArchiveVerifier {
    public struct Verified: Sendable, Equatable {
        public var manifest: ArchiveManifest
        /// SHA-256 of `manifest.json` itself (as in `manifest.sha256`), to record next to the daily anchor.
        public var manifestSHA256: String
        public var eventsChecked: Int64
        /// Whether an anchor was inside the archive's seq range and matched.
        public var anchorChecked: Bool
    }

    public enum Outcome: Sendable, Equatable {
        case ok(Verified)
        case broken(ArchiveError)
    }

    /// A chain link known from outside the archive: the hash the seal had at `seq`.
    public struct Anchor: Sendable, Equatable {
        public var seq: Int64
        public var hash: String
        public init(seq: Int64, hash: String) {
            self.seq = seq
            self.hash = hash
        }
    }

    public static func verify(directory: URL, anchor: Anchor? = nil, progress: ((Int64) -> Void)? = nil) -> Outcome {
        let reader: ArchiveReader
        let manifestSHA: String
        do {
            manifestSHA = try ArchiveManifest.checkFileHash(in: directory)
            reader = try ArchiveReader(directory: directory, verifyFileHashes: true)
        } catch {
            return .broken(asArchiveError(error, file: ArchiveManifest.fileName))
        }
        let manifest = reader.manifest
        var segmentEnds: [Int64: ArchiveManifest.Segment] = [:]
        for s in manifest.segments { segmentEnds[s.lastSeq] = s }
        var previous = ChainHash(hex: manifest.chainStartHash)!.bytes
        var checked: Int64 = 0
        var anchorChecked = false
        do {
            while let batch = try reader.nextBatch() {
                for a in batch {
                    let link = AuditChain.link(previous: previous, seq: a.seq, event: a.event)
                    let computed = ChainHash(bytes: link)!
                    guard computed == a.hash else {
                        return .broken(
                            .corrupt(
                                file: segmentFile(manifest, a.seq), seq: a.seq,
                                reason: "event \(a.event.eventID.uuidString.lowercased()) (\(a.event.eventType), position \(a.event.position)) "
                                    + "does not match its chain hash"))
                    }
                    if let s = segmentEnds[a.seq], s.chainEndHash != computed.hex {
                        let why = "the chain ends at \(computed.hex), the manifest's chain_end_hash is \(s.chainEndHash)"
                        return .broken(.corrupt(file: s.file, seq: a.seq, reason: why))
                    }
                    if let anchor, anchor.seq == a.seq {
                        guard anchor.hash == computed.hex else {
                            let why = "the chain hash here is \(computed.hex), the exported anchor says \(anchor.hash)"
                            return .broken(.corrupt(file: segmentFile(manifest, a.seq), seq: a.seq, reason: why))
                        }
                        anchorChecked = true
                    }
                    previous = link
                    checked += 1
                }
                progress?(checked)
            }
        } catch {
            var e = asArchiveError(error, file: directory.lastPathComponent)
            if case .corrupt(let f, let seq, let reason) = e, reader.currentSegmentShaMatches() == false, !reason.hasPrefix("SHA-256") {
                e = .corrupt(file: f, seq: seq, reason: reason + "; the file's SHA-256 does not match the manifest either")
            }
            return .broken(e)
        }
        guard checked == manifest.eventCount, AuditChain.hex(previous) == manifest.chainEndHash else {
            return .broken(.corrupt(file: ArchiveManifest.fileName, seq: nil, reason: "the chain over the segments does not end at chain_end_hash"))
        }
        return .ok(Verified(manifest: manifest, manifestSHA256: manifestSHA, eventsChecked: checked, anchorChecked: anchorChecked))
    }

    private static func segmentFile(_ m: ArchiveManifest, _ seq: Int64) -> String {
        m.segments.first { $0.firstSeq <= seq && seq <= $0.lastSeq }?.file ?? ArchiveManifest.fileName
    }

    static func asArchiveError(_ error: any Error, file: String) -> ArchiveError {
        if let e = error as? ArchiveError { return e }
        return .io(file: file, reason: "\(error)")
    }
}
