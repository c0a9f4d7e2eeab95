import Application
import Domain
import EventStore
import Foundation

/// The market data live cycles decided on, kept beside the recorded days:
///
/// ```
/// data/captures/2026-12-04/<sha256>.json.lz4   a recording's head, or one of its parts
/// ```
///
/// Every file is an LZ4 frame of canonical JSON named by the SHA-256 of that JSON, so a part shared by
/// many cycles (the day's daily bars, the asset list) is stored once, a file is never rewritten, and
/// `catalyst data verify` can check each capture without a manifest. Files are written to a temporary
/// name and renamed into place, so a capture is whole or absent.
public struct FileMarketCaptureStore: MarketCaptureStore {
    public let root: URL
    private let cache = MarketPartCache()

    /// `dataset`'s capture folder.
    public init(dataset: MarketDataset) { root = dataset.root.appendingPathComponent("captures") }

    public func folder(_ day: NYDate) -> URL { root.appendingPathComponent(day.description) }

    public func store(_ recording: MarketRecording, day: NYDate) throws -> String {
        let encoded = try recording.encoded(cache: cache)
        let dir = folder(day)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for part in encoded.parts { try write(part.bytes, hash: part.hash, in: dir) }
        try write(encoded.head, hash: encoded.hash, in: dir)
        return encoded.hash
    }

    public func load(_ hash: String, day: NYDate) throws -> (recording: MarketRecording, problems: [String]) {
        let dir = folder(day)
        var problems: [String] = []
        func read(_ name: String) throws -> Data {
            let path = dir.appendingPathComponent("\(name).json.lz4").path
            guard FileManager.default.fileExists(atPath: path) else { throw MarketCaptureError.missing("\(day)/\(name).json.lz4") }
            let bytes = try Self.read(path)
            if MarketRecording.sha256(bytes) != name { problems.append("\(day)/\(name.prefix(12))…: its content no longer hashes to its name (altered)") }
            return bytes
        }
        let recording = try MarketRecording.decode(head: try read(hash), part: read)
        return (recording, problems)
    }

    /// What is wrong with the day's captures: a file whose content does not hash to its name, or that
    /// does not decompress.
    public func verify(_ day: NYDate) -> (files: Int, problems: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder(day).path)) ?? []).filter { $0.hasSuffix(".json.lz4") }.sorted()
        var problems: [String] = []
        for name in names {
            let hash = String(name.dropLast(".json.lz4".count))
            do {
                if MarketRecording.sha256(try Self.read(folder(day).appendingPathComponent(name).path)) != hash {
                    problems.append("captures/\(day)/\(name): content does not hash to its name")
                }
            } catch { problems.append("captures/\(day)/\(name): \(error)") }
        }
        return (names.count, problems)
    }

    /// The days that have captures, oldest first.
    public func days() -> [NYDate] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(NYDate.init).sorted()
    }

    private func write(_ bytes: Data, hash: String, in dir: URL) throws {
        let target = dir.appendingPathComponent("\(hash).json.lz4")
        guard !FileManager.default.fileExists(atPath: target.path) else { return }
        let temporary = dir.appendingPathComponent(".\(hash).\(UUID().uuidString).partial")
        do {
            let writer = try LZ4FrameWriter(path: temporary.path)
            try bytes.withUnsafeBytes { try writer.write($0) }
            _ = try writer.finish()
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if FileManager.default.fileExists(atPath: target.path) { return }  // a concurrent writer of the same content won
            throw error
        }
    }

    static func read(_ path: String) throws -> Data {
        let reader = try LZ4FrameReader(path: path)
        var out = Data()
        while let chunk = try reader.next() { out.append(contentsOf: chunk) }
        return out
    }
}
