import Domain
import EventStore
import Foundation
import MarketData

/// Recorded market data on disk, one folder per New York trading day under `root` (by default
/// `<catalyst.home>/data/`):
///
/// ```
/// data/2025-11-18/securities.csv.lz4   the asset list with tradability flags (as fetched)
///                 minute_bars.csv.lz4  every minute bar of the session
///                 daily_bars.csv.lz4   the day's daily bar
///                 news.csv.lz4         the news from the previous close to this close
///                 manifest.json        counts and SHA-256s of the files above
/// ```
///
/// The files are LZ4 frames (with content checksums) of CSV in the columns `CSVMarketData` reads. A day
/// is written into a hidden folder first and renamed into place with its manifest, so a folder with a
/// manifest is whole; anything else is absent. `verify` re-reads every file against its manifest.
public struct MarketDataset: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public static let files = ["securities.csv.lz4", "minute_bars.csv.lz4", "daily_bars.csv.lz4", "news.csv.lz4"]

    public struct Manifest: Codable, Sendable, Equatable {
        public var format = 1
        public var date: String
        /// Where the data came from (`alpaca iex`).
        public var source: String
        public var fetchedAt: Date
        public var symbols: Int
        public var files: [File]

        public struct File: Codable, Sendable, Equatable {
            public var name: String
            /// Data rows (the header not counted).
            public var rows: Int
            public var bytes: Int64
            public var compressedBytes: Int64
            /// SHA-256 of the file as stored (the LZ4 frame).
            public var sha256: String
        }
    }

    public func folder(_ day: NYDate) -> URL { root.appendingPathComponent(day.description) }

    /// The manifest of `day`, when the day is recorded.
    public func manifest(_ day: NYDate) -> Manifest? {
        guard let data = try? Data(contentsOf: folder(day).appendingPathComponent("manifest.json")) else { return nil }
        return try? Self.decoder.decode(Manifest.self, from: data)
    }

    /// Whether `day` is recorded: a manifest, and every file it names at its recorded size.
    public func isComplete(_ day: NYDate) -> Bool {
        guard let manifest = manifest(day), Set(manifest.files.map(\.name)) == Set(Self.files) else { return false }
        return manifest.files.allSatisfy { f in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder(day).appendingPathComponent(f.name).path)
            return (attributes?[.size] as? NSNumber)?.int64Value == f.compressedBytes
        }
    }

    /// The recorded days, oldest first.
    public func days() -> [NYDate] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.compactMap(NYDate.init).filter { manifest($0) != nil }.sorted()
    }

    /// Writes one day whole: the CSV `texts` (file name → text and its row count), compressed, then the
    /// manifest, then one rename into place (replacing an incomplete folder of that day).
    @discardableResult
    public func write(_ day: NYDate, source: String, fetchedAt: Date, symbols: Int, texts: [String: (text: String, rows: Int)]) throws -> Manifest {
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appendingPathComponent(".partial-\(day)-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            var files: [Manifest.File] = []
            for name in Self.files {
                guard let entry = texts[name] else { throw CatalystError.setup("no \(name) for \(day)") }
                let writer = try LZ4FrameWriter(path: staging.appendingPathComponent(name).path)
                var text = entry.text
                try text.withUTF8 { try writer.write(UnsafeRawBufferPointer($0)) }  // no copy of a large text
                let summary = try writer.finish()
                files.append(
                    Manifest.File(name: name, rows: entry.rows, bytes: summary.uncompressedBytes, compressedBytes: summary.compressedBytes, sha256: summary.sha256))
            }
            let manifest = Manifest(date: day.description, source: source, fetchedAt: fetchedAt, symbols: symbols, files: files)
            try Self.encoder.encode(manifest).write(to: staging.appendingPathComponent("manifest.json"))
            let target = folder(day)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging, to: target)
            return manifest
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// What is wrong with `day`'s folder: a missing or unreadable manifest, a missing file, a size, a
    /// SHA-256 or a row count that differs, or CSV that does not parse. Empty when the day verifies.
    public func verify(_ day: NYDate) -> [String] {
        guard let manifest = manifest(day) else { return ["\(day): no readable manifest.json"] }
        var problems: [String] = []
        for f in manifest.files {
            let path = folder(day).appendingPathComponent(f.name).path
            do {
                let reader = try LZ4FrameReader(path: path, displayName: "\(day)/\(f.name)", hashing: true)
                var rows = 0
                if Self.barFiles.contains(f.name) {
                    try Self.pieces(of: reader, label: "\(day)/\(f.name)") { text, label in rows += try CSVTable(text: text, file: label).rows.count }
                } else {
                    rows = try CSVTable(text: Self.whole(reader), file: "\(day)/\(f.name)").rows.count
                }
                if reader.sha256() != f.sha256 { problems.append("\(day)/\(f.name): SHA-256 differs from the manifest") }
                if reader.uncompressedBytes != f.bytes { problems.append("\(day)/\(f.name): \(reader.uncompressedBytes) bytes, the manifest says \(f.bytes)") }
                if rows != f.rows { problems.append("\(day)/\(f.name): \(rows) rows, the manifest says \(f.rows)") }
            } catch {
                problems.append("\(day)/\(f.name): \(error)")
            }
        }
        return problems
    }

    /// One recorded CSV file in pieces of about `LZ4FrameReader.chunkSize` bytes, each cut at a line end
    /// and starting with the file's header: a large file is parsed piece by piece. Only for files whose
    /// fields hold no line breaks (the bars).
    public func forEachPiece(_ day: NYDate, _ name: String, _ body: (_ text: String, _ label: String) throws -> Void) throws {
        try Self.pieces(of: LZ4FrameReader(path: folder(day).appendingPathComponent(name).path, displayName: "\(day)/\(name)"), label: "\(day)/\(name)", body)
    }

    static func pieces(of reader: LZ4FrameReader, label: String, _ body: (_ text: String, _ label: String) throws -> Void) throws {
        var header: [UInt8]?
        var pending: [UInt8] = []
        var line = 1
        func emit(_ lines: ArraySlice<UInt8>) throws {
            guard let header, !lines.isEmpty else { return }
            let count = lines.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            try body(String(decoding: header + lines, as: UTF8.self), "\(label) (the piece from line \(line + 1))")
            line += count
        }
        while let chunk = try reader.next() {
            pending.append(contentsOf: chunk)
            if header == nil, let end = pending.firstIndex(of: 0x0A) {
                header = Array(pending[...end])
                pending.removeSubrange(...end)
            }
            guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
            try emit(pending[...lastNewline])
            pending.removeSubrange(...lastNewline)
        }
        if !pending.isEmpty { try emit(pending[...]) }
    }

    /// Files parsed piece by piece (no line breaks inside their fields).
    static let barFiles: Set<String> = ["minute_bars.csv.lz4", "daily_bars.csv.lz4"]

    /// The text of one recorded file.
    public func text(_ day: NYDate, _ name: String) throws -> String {
        try Self.whole(LZ4FrameReader(path: folder(day).appendingPathComponent(name).path, displayName: "\(day)/\(name)"))
    }

    /// Every byte of a frame, as text.
    static func whole(_ reader: LZ4FrameReader) throws -> String {
        var bytes: [UInt8] = []
        while let chunk = try reader.next() { bytes.append(contentsOf: chunk) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()
}
