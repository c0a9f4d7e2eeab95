import EventStore
import Foundation
import Subprocess
import SystemPackage
import Testing

/// The frame wrapper: round trips across chunk boundaries, writes the standard frame format, and turns
/// every kind of damage into an error that names the file.
@Suite struct LZ4FrameTests {
    /// ~5 MiB of varied JSON-ish lines: more than several 1 MiB chunks and blocks.
    static let sample: [UInt8] = {
        var out: [UInt8] = []
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var i = 0
        while out.count < 5 * 1024 * 1024 + 12_345 {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            out.append(contentsOf: Array(#"{"i":\#(i),"x":"\#(String(x, radix: 16))","pad":"\#(String(repeating: "ab", count: Int(x % 40)))"}"#.utf8))
            out.append(10)
            i += 1
        }
        return out
    }()

    func write(_ bytes: [UInt8], piece: Int) throws -> (URL, LZ4FrameWriter.Summary) {
        let url = temporaryDirectory("lz4").appendingPathExtension("lz4")
        let w = try LZ4FrameWriter(path: url.path)
        var i = 0
        while i < bytes.count {
            try w.write(Array(bytes[i..<min(i + piece, bytes.count)]))
            i += piece
        }
        return (url, try w.finish())
    }

    func readAll(_ url: URL) throws -> [UInt8] {
        let r = try LZ4FrameReader(path: url.path)
        var out: [UInt8] = []
        while let chunk = try r.next() { out.append(contentsOf: chunk) }
        return out
    }

    @Test(arguments: [1, 4093, 1 << 20, 3 << 20])
    func roundTripsWhateverTheWriteSizes(piece: Int) throws {
        let sample = piece == 1 ? Array(Self.sample.prefix(200_000)) : Self.sample
        let (url, summary) = try write(sample, piece: piece)
        #expect(try readAll(url) == sample)
        #expect(summary.uncompressedBytes == Int64(sample.count))
        let file = try Data(contentsOf: url)
        #expect(summary.compressedBytes == Int64(file.count))
        #expect(summary.compressedBytes < summary.uncompressedBytes / 2)
        // The LZ4 frame magic number, little-endian: a standard frame any lz4 tool reads.
        #expect(Array(file.prefix(4)) == [0x04, 0x22, 0x4D, 0x18])
        let r = try LZ4FrameReader(path: url.path, hashing: true)
        while try r.next() != nil {}
        #expect(r.sha256() == summary.sha256)
    }

    @Test func anEmptyFrameRoundTrips() throws {
        let (url, summary) = try write([], piece: 10)
        #expect(try readAll(url).isEmpty)
        #expect(summary.uncompressedBytes == 0)
    }

    @Test func damageIsAnErrorNamingTheFile() throws {
        let (url, _) = try write(Self.sample, piece: 1 << 16)
        let original = try Data(contentsOf: url)
        let name = url.lastPathComponent
        func expectBroken(_ data: Data, _ what: String) throws {
            try data.write(to: url)
            #expect(throws: ArchiveError.self, "\(what)") { _ = try readAll(url) }
            do {
                _ = try readAll(url)
            } catch let e as ArchiveError {
                #expect(e.file == name, "\(what): \(e)")
            }
        }
        for offset in [0, 5, 100, original.count / 2, original.count - 6, original.count - 1] {
            var d = original
            d[offset] ^= 0x20
            try expectBroken(d, "byte \(offset) flipped")
        }
        try expectBroken(original.prefix(original.count - 4), "truncated")
        try expectBroken(original.prefix(original.count / 3), "cut short")
        try expectBroken(original + Data([1, 2, 3]), "trailing bytes")
        try expectBroken(Data(), "empty file")
    }

    /// The `lz4` command-line tool reads our files byte for byte (only where it is installed; nothing
    /// else depends on it).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/lz4")))
    func theLZ4ToolReadsOurFrames() async throws {
        let (url, _) = try write(Self.sample, piece: 1 << 18)
        let out = temporaryDirectory("lz4cli")
        let run = try await Subprocess.run(
            .path(FilePath("/usr/bin/lz4")), arguments: ["-d", "-q", url.path, out.path], output: .discarded, error: .string(limit: 4096))
        #expect(run.terminationStatus == .exited(0), "\(run.standardError)")
        #expect(Array(try Data(contentsOf: out)) == Self.sample)
    }
}
