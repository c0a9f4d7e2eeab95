import Foundation

/// Writes archived events into consecutive segment files of at most `eventsPerSegment` events, and
/// gathers what the manifest records about each segment and the whole archive.
struct SegmentSink {
    let directory: URL
    let eventsPerSegment: Int
    let level: Int32
    let startHash: ChainHash
    private(set) var files: [URL] = []
    private var segments: [ArchiveManifest.Segment] = []
    private var writer: LZ4FrameWriter?
    private var current: ArchiveManifest.Segment?
    private var line: [UInt8] = []
    private var first: ArchivedEvent?
    private var last: ArchivedEvent?
    private var count: Int64 = 0
    private var transactions: Int64 = 0
    private var maxPosition: Int64 = .min

    init(directory: URL, eventsPerSegment: Int, level: Int32, startHash: ChainHash) {
        self.directory = directory
        self.startHash = startHash
        self.eventsPerSegment = eventsPerSegment
        self.level = level
        line.reserveCapacity(4096)
    }

    mutating func append(_ a: ArchivedEvent) throws {
        if writer == nil { try open(startingWith: a) }
        line.removeAll(keepingCapacity: true)
        do {
            try ArchiveLine.append(a, to: &line)
        } catch {
            throw ArchiveError.corrupt(file: "events table", seq: a.seq, reason: "cannot be archived: \(error.reason)")
        }
        try writer!.write(line)
        if last?.event.transactionID != a.event.transactionID { transactions += 1 }
        if first == nil { first = a }
        last = a
        count += 1
        maxPosition = max(maxPosition, a.event.position)
        current!.eventCount += 1
        current!.lastSeq = a.seq
        current!.lastGlobalPosition = a.event.position
        current!.chainEndHash = a.hash.hex
        if current!.eventCount == Int64(eventsPerSegment) { try close() }
    }

    /// Closes the last segment and builds the manifest.
    mutating func finish(plan: ExportPlan) throws -> ArchiveManifest {
        try close()
        guard let first, let last else { throw ArchiveError.refused("nothing was exported") }
        return ArchiveManifest(
            format: ArchiveManifest.formatName, formatVersion: ArchiveManifest.currentVersion, lineFormat: ArchiveLine.format,
            storeID: plan.identity.storeID, systemIdentifier: plan.identity.systemIdentifier, createdAt: Self.now(), before: plan.before,
            cutoff: plan.cutoff, eventCount: count, transactionCount: transactions, firstSeq: first.seq, lastSeq: last.seq,
            firstGlobalPosition: first.event.position, lastGlobalPosition: last.event.position, maxGlobalPosition: maxPosition,
            firstCursor: ArchiveCursor(first.event.cursor), lastCursor: ArchiveCursor(last.event.cursor), chainStartHash: startHash.hex,
            chainEndHash: last.hash.hex, uncompressedBytes: segments.reduce(0) { $0 + $1.uncompressedBytes },
            compressedBytes: segments.reduce(0) { $0 + $1.compressedBytes }, segments: segments)
    }

    private mutating func open(startingWith a: ArchivedEvent) throws {
        let name = ArchiveManifest.segmentName(segments.count + 1)
        let url = directory.appendingPathComponent(name)
        writer = try LZ4FrameWriter(path: url.path, level: level)
        files.append(url)
        current = ArchiveManifest.Segment(
            file: name, eventCount: 0, firstSeq: a.seq, lastSeq: a.seq, firstGlobalPosition: a.event.position,
            lastGlobalPosition: a.event.position, chainStartHash: (last?.hash ?? startHash).hex, chainEndHash: "", uncompressedBytes: 0,
            compressedBytes: 0, sha256: "")
    }

    private mutating func close() throws {
        guard let w = writer, var seg = current else { return }
        let summary = try w.finish()
        seg.uncompressedBytes = summary.uncompressedBytes
        seg.compressedBytes = summary.compressedBytes
        seg.sha256 = summary.sha256
        segments.append(seg)
        writer = nil
        current = nil
    }

    private static func now() -> String {
        let micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
        return ArchiveTimestamp.text(micros: micros) ?? ""
    }
}
