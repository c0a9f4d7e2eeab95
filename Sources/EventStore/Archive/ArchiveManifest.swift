import Crypto
import Foundation

/// `manifest.json`: what an archive holds and the hashes that pin it down.
///
/// An archive is a contiguous run of the audit sequence, `first_seq … last_seq`, in reader order. The
/// chain hashes say where it sits in the store's hash chain: `chain_start_hash` is the link before
/// `first_seq` (32 zero bytes for an archive that starts at seq 1) and `chain_end_hash` the link at
/// `last_seq`, which equals `catalyst audit verify`'s head hash at that seq. Each segment records the same
/// for its own run plus the SHA-256 of its file, so one flipped byte anywhere is pinned to one file.
public struct ArchiveManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    /// `<sha256>  manifest.json` (the `sha256sum` format): pins every byte of the manifest itself.
    public static let checksumFileName = "manifest.sha256"
    public static let formatName = "catalyst-event-archive"
    public static let currentVersion = 1

    public var format: String
    public var formatVersion: Int
    public var lineFormat: String
    public var storeID: UUID
    public var systemIdentifier: String
    public var createdAt: String
    /// The New York date given to `--before`; `cutoff` is its midnight in America/New_York, as UTC.
    public var before: String
    public var cutoff: String
    public var eventCount: Int64
    /// Original transactions (runs of consecutive events sharing a `tx_id`).
    public var transactionCount: Int64
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var firstGlobalPosition: Int64
    public var lastGlobalPosition: Int64
    public var maxGlobalPosition: Int64
    public var firstCursor: ArchiveCursor
    public var lastCursor: ArchiveCursor
    public var chainStartHash: String
    public var chainEndHash: String
    public var uncompressedBytes: Int64
    public var compressedBytes: Int64
    public var segments: [Segment]

    public struct Segment: Codable, Sendable, Equatable {
        public var file: String
        public var eventCount: Int64
        public var firstSeq: Int64
        public var lastSeq: Int64
        public var firstGlobalPosition: Int64
        public var lastGlobalPosition: Int64
        public var chainStartHash: String
        public var chainEndHash: String
        public var uncompressedBytes: Int64
        public var compressedBytes: Int64
        public var sha256: String

        enum CodingKeys: String, CodingKey {
            case file, sha256
            case eventCount = "event_count"
            case firstSeq = "first_seq"
            case lastSeq = "last_seq"
            case firstGlobalPosition = "first_global_position"
            case lastGlobalPosition = "last_global_position"
            case chainStartHash = "chain_start_hash"
            case chainEndHash = "chain_end_hash"
            case uncompressedBytes = "uncompressed_bytes"
            case compressedBytes = "compressed_bytes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, before, cutoff, segments
        case formatVersion = "format_version"
        case lineFormat = "line_format"
        case storeID = "store_id"
        case systemIdentifier = "system_identifier"
        case createdAt = "created_at"
        case eventCount = "event_count"
        case transactionCount = "transaction_count"
        case firstSeq = "first_seq"
        case lastSeq = "last_seq"
        case firstGlobalPosition = "first_global_position"
        case lastGlobalPosition = "last_global_position"
        case maxGlobalPosition = "max_global_position"
        case firstCursor = "first_cursor"
        case lastCursor = "last_cursor"
        case chainStartHash = "chain_start_hash"
        case chainEndHash = "chain_end_hash"
        case uncompressedBytes = "uncompressed_bytes"
        case compressedBytes = "compressed_bytes"
    }

    /// Reads and checks `manifest.json` in `directory`; any problem is a corruption of that file.
    public static func load(from directory: URL) throws -> ArchiveManifest {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ArchiveError.io(file: url.path, reason: "cannot read the manifest (is this an archive directory?)")
        }
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: data)
        } catch {
            throw ArchiveError.corrupt(file: fileName, seq: nil, reason: "not a valid manifest: \(Self.describe(error))")
        }
        if let problem = manifest.inconsistency() { throw ArchiveError.corrupt(file: fileName, seq: nil, reason: problem) }
        return manifest
    }

    /// Writes `manifest.json` and `manifest.sha256`.
    public func write(to directory: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = directory.appendingPathComponent(Self.fileName)
        do {
            let data = try enc.encode(self) + Data("\n".utf8)
            try data.write(to: url, options: .atomic)
            let line = AuditChain.hex(Array(SHA256.hash(data: data))) + "  " + Self.fileName + "\n"
            try Data(line.utf8).write(to: directory.appendingPathComponent(Self.checksumFileName), options: .atomic)
        } catch {
            throw ArchiveError.io(file: url.path, reason: "cannot write the manifest: \(error)")
        }
    }

    /// Checks `manifest.json`'s bytes against `manifest.sha256` (so a changed byte anywhere in the
    /// manifest, even one the JSON decoder would not notice, is found) and returns its SHA-256.
    public static func checkFileHash(in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else {
            throw ArchiveError.io(file: url.path, reason: "cannot read the manifest (is this an archive directory?)")
        }
        let actual = AuditChain.hex(Array(SHA256.hash(data: data)))
        guard let sums = try? String(contentsOf: directory.appendingPathComponent(checksumFileName), encoding: .utf8) else {
            throw ArchiveError.corrupt(file: checksumFileName, seq: nil, reason: "is missing (it holds the SHA-256 of \(fileName))")
        }
        let fields = sums.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, fields[1] == fileName, let expected = fields.first.map(String.init), ChainHash(hex: expected) != nil else {
            throw ArchiveError.corrupt(file: checksumFileName, seq: nil, reason: "is not `<sha256>  \(fileName)`")
        }
        guard expected == actual else {
            throw ArchiveError.corrupt(file: fileName, seq: nil, reason: "SHA-256 is \(actual), \(checksumFileName) says \(expected)")
        }
        return actual
    }

    /// The first internal contradiction, if any: the totals, the segment runs and the chain hashes must
    /// fit together exactly.
    public func inconsistency() -> String? {
        guard format == Self.formatName else { return "format is \(format), expected \(Self.formatName)" }
        guard formatVersion == Self.currentVersion else { return "format_version \(formatVersion) is not supported (this build reads \(Self.currentVersion))" }
        guard lineFormat == ArchiveLine.format else { return "line_format \(lineFormat) is not supported" }
        guard !segments.isEmpty, eventCount > 0 else { return "the archive has no segments" }
        guard firstSeq >= 1, lastSeq - firstSeq + 1 == eventCount else { return "first_seq/last_seq do not span event_count events" }
        guard transactionCount >= 1, transactionCount <= eventCount else { return "transaction_count is out of range" }
        for h in [chainStartHash, chainEndHash] + segments.flatMap({ [$0.chainStartHash, $0.chainEndHash, $0.sha256] }) {
            guard ChainHash(hex: h) != nil, h == h.lowercased() else { return "\(h) is not a lower-case SHA-256 in hex" }
        }
        guard firstSeq > 1 || chainStartHash == ChainHash.zero.hex else { return "an archive starting at seq 1 must start from the zero hash" }
        var seq = firstSeq
        var link = chainStartHash
        var names = Set<String>()
        for (i, s) in segments.enumerated() {
            guard s.file == Self.segmentName(i + 1) else { return "segment \(i + 1) should be named \(Self.segmentName(i + 1)), not \(s.file)" }
            guard names.insert(s.file).inserted else { return "segment \(s.file) is listed twice" }
            guard s.firstSeq == seq, s.eventCount >= 1, s.lastSeq - s.firstSeq + 1 == s.eventCount else {
                return "\(s.file): its seq range does not continue the previous segment"
            }
            guard s.chainStartHash == link else { return "\(s.file): chain_start_hash does not continue the previous segment's chain" }
            guard s.uncompressedBytes > 0, s.compressedBytes > 0 else { return "\(s.file): byte counts are missing" }
            seq = s.lastSeq + 1
            link = s.chainEndHash
        }
        guard seq == lastSeq + 1 else { return "the segments end at seq \(seq - 1), not at last_seq \(lastSeq)" }
        guard link == chainEndHash else { return "chain_end_hash is not the last segment's chain end" }
        guard segments.first?.firstGlobalPosition == firstGlobalPosition, segments.last?.lastGlobalPosition == lastGlobalPosition,
            firstCursor.globalPosition == firstGlobalPosition, lastCursor.globalPosition == lastGlobalPosition
        else { return "first/last global positions and cursors disagree with the segments" }
        guard segments.reduce(0, { $0 + $1.uncompressedBytes }) == uncompressedBytes, segments.reduce(0, { $0 + $1.compressedBytes }) == compressedBytes
        else { return "byte totals do not equal the sum of the segments" }
        guard firstCursor.logCursor != nil, lastCursor.logCursor != nil else { return "a cursor's tx_id is not a number" }
        return nil
    }

    /// `segment-000001.jsonl.lz4`, `segment-000002.jsonl.lz4`, …
    public static func segmentName(_ index: Int) -> String {
        let digits = String(index)
        return "segment-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl.lz4"
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key \(key.stringValue)"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let ctx): "malformed JSON (\(ctx.debugDescription))"
        default: "\(error)"
        }
    }
}

/// A reader cursor `(tx_id, global_position)` as written in the manifest (`tx_id` as a string, like the
/// lines, because an `xid8` can exceed 2^53).
public struct ArchiveCursor: Codable, Sendable, Equatable {
    public var txID: String
    public var globalPosition: Int64

    public init(_ cursor: LogCursor) {
        txID = String(cursor.transactionID)
        globalPosition = cursor.position
    }

    public var logCursor: LogCursor? { UInt64(txID).map { LogCursor(transactionID: $0, position: globalPosition) } }

    enum CodingKeys: String, CodingKey {
        case txID = "tx_id"
        case globalPosition = "global_position"
    }
}
