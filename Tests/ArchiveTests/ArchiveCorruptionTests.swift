import CatalystTestKit
import EventStore
import Foundation
import Testing

/// One changed byte anywhere in an archive is found, and the report names the file (and the seq when
/// the damage can be placed).
@Suite struct ArchiveCorruptionTests {
    /// A sealed log exported into segments of 40 events, shared by the tests below (each works on a copy).
    static let pristine: Task<URL, any Error> = Task {
        let db = try await TestDatabase.create()
        try await seedLog(db, writers: 3, appendsPerWriter: 12)
        try await seal(db)
        let dir = temporaryDirectory("pristine")
        _ = try await export(db, to: dir, perSegment: 40)
        return dir
    }

    func copyOfArchive() async throws -> URL {
        let source = try await Self.pristine.value
        let dir = temporaryDirectory("corrupt")
        try FileManager.default.copyItem(at: source, to: dir)
        return dir
    }

    @Test func thePristineArchiveVerifies() async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let v = try #require(ArchiveVerifier.verify(directory: dir).verified)
        #expect(v.manifest.segments.count >= 3)
        #expect(v.eventsChecked == v.manifest.eventCount)
    }

    /// Header, first block, middle, the content checksum at the very end: every place is caught.
    @Test(arguments: [0.0, 0.001, 0.3, 0.5, 0.77, 0.999, 1.0])
    func aFlippedByteInASegmentIsReportedWithItsFile(at fraction: Double) async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        try flipByte(in: dir.appendingPathComponent("segment-000002.jsonl.lz4"), at: fraction)
        let error = try #require(ArchiveVerifier.verify(directory: dir).error)
        #expect(error.file == "segment-000002.jsonl.lz4", "\(error)")
        #expect("\(error)".hasPrefix("segment-000002.jsonl.lz4"))
        if case .corrupt(_, _, let reason) = error, !reason.hasPrefix("SHA-256") {
            // Decoding failed first; the report still says the file no longer matches its manifest hash.
            #expect(reason.contains("SHA-256 does not match"), "\(error)")
        }
    }

    /// Someone decompresses a segment, changes one digit of one payload, recompresses it and even fixes the
    /// file's SHA-256 in the manifest: the recomputed chain names the exact seq.
    @Test func anEditedEventIsReportedWithItsSeqEvenWhenTheFileHashIsFixed() async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "segment-000002.jsonl.lz4"
        let url = dir.appendingPathComponent(name)
        var text = try decompress(url)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let victim = 7
        let qtyKey = #""qty":""#  // the payload as its writer sent it (compact)
        let line = lines[victim]
        let r = try #require(line.range(of: qtyKey))
        let digit = line[r.upperBound]
        lines[victim] = line.replacingCharacters(in: r.upperBound...r.upperBound, with: digit == "1" ? "2" : "1")
        text = lines.joined(separator: "\n")
        try FileManager.default.removeItem(at: url)
        let w = try LZ4FrameWriter(path: url.path)
        try w.write(Array(text.utf8))
        let summary = try w.finish()
        var manifest = try ArchiveManifest.load(from: dir)
        let index = manifest.segments.firstIndex { $0.file == name }!
        manifest.compressedBytes += summary.compressedBytes - manifest.segments[index].compressedBytes
        manifest.segments[index].compressedBytes = summary.compressedBytes
        manifest.segments[index].sha256 = summary.sha256
        try manifest.write(to: dir)

        let error = try #require(ArchiveVerifier.verify(directory: dir).error)
        #expect(error.file == name)
        #expect(error.seq == manifest.segments[index].firstSeq + Int64(victim))
        #expect("\(error)".contains("does not match its chain hash"))
    }

    @Test func aChangedManifestIsReported() async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ArchiveManifest.load(from: dir)
        let forged = String(m.chainEndHash.reversed())

        // Only the archive's end hash changed: the manifest contradicts its own segments.
        var a = m
        a.chainEndHash = forged
        try a.write(to: dir)
        #expect(ArchiveVerifier.verify(directory: dir).error?.file == "manifest.json")

        // Changed consistently in the manifest: the recomputed chain disagrees at the last seq.
        var b = m
        b.chainEndHash = forged
        b.segments[b.segments.count - 1].chainEndHash = forged
        try b.write(to: dir)
        let error = try #require(ArchiveVerifier.verify(directory: dir).error)
        #expect(error.file == m.segments.last!.file && error.seq == m.lastSeq, "\(error)")

        try "{ not json".write(to: dir.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        #expect(ArchiveVerifier.verify(directory: dir).error?.file == "manifest.json")
    }

    /// Any byte of the manifest counts, even one that changes no number the checks use.
    @Test(arguments: ["\"before\" : \"", "\"created_at\" : \"", "\"system_identifier\" : \""])
    func aFlippedByteInTheManifestIsReported(after key: String) async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("manifest.json")
        var bytes = Array(try Data(contentsOf: url))
        let text = String(decoding: bytes, as: UTF8.self)
        let at = try #require(text.range(of: key)).upperBound.utf16Offset(in: text)
        bytes[at] = bytes[at] == UInt8(ascii: "2") ? UInt8(ascii: "3") : UInt8(ascii: "2")
        try Data(bytes).write(to: url)
        let error = try #require(ArchiveVerifier.verify(directory: dir).error)
        #expect(error.file == "manifest.json" && "\(error)".contains("SHA-256"), "\(error)")

        try FileManager.default.removeItem(at: dir.appendingPathComponent("manifest.sha256"))
        #expect(ArchiveVerifier.verify(directory: dir).error?.file == "manifest.sha256")
    }

    @Test func aMissingOrTruncatedSegmentIsReported() async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let third = dir.appendingPathComponent("segment-000003.jsonl.lz4")
        let data = try Data(contentsOf: third)
        try data.prefix(data.count - 9).write(to: third)
        #expect(ArchiveVerifier.verify(directory: dir).error?.file == "segment-000003.jsonl.lz4")
        try FileManager.default.removeItem(at: third)
        #expect(ArchiveVerifier.verify(directory: dir).error?.file == "segment-000003.jsonl.lz4")
    }

    @Test func anAnchorFromOutsideMustMatchInsideTheArchive() async throws {
        let dir = try await copyOfArchive()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try ArchiveManifest.load(from: dir)
        let good = ArchiveVerifier.Anchor(seq: m.segments[1].lastSeq, hash: m.segments[1].chainEndHash)
        #expect(ArchiveVerifier.verify(directory: dir, anchor: good).verified?.anchorChecked == true)
        let bad = ArchiveVerifier.Anchor(seq: good.seq, hash: m.segments[0].chainEndHash)
        let error = try #require(ArchiveVerifier.verify(directory: dir, anchor: bad).error)
        #expect(error.seq == good.seq && error.file == m.segments[1].file)
    }

    func decompress(_ url: URL) throws -> String {
        let r = try LZ4FrameReader(path: url.path)
        var bytes: [UInt8] = []
        while let chunk = try r.next() { bytes.append(contentsOf: chunk) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
