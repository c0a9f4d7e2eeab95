import Domain
import Foundation
import Synchronization

/// Where live cycles keep the market data they decided on (`catalyst session replay` reads it back).
/// The file store is `FileMarketCaptureStore` (`<data>/captures/<day>/`); tests may keep it in memory.
public protocol MarketCaptureStore: Sendable {
    /// Stores the recording (parts already present are not written again) and returns its hash.
    func store(_ recording: MarketRecording, day: NYDate) throws -> String

    /// The recording stored under `hash`, and what did not verify (a part or head whose bytes no longer
    /// hash to their name): the replay still runs on what is there, and says it was altered.
    func load(_ hash: String, day: NYDate) throws -> (recording: MarketRecording, problems: [String])
}

/// A capture store in memory (tests; a process that must not write files).
public final class InMemoryMarketCaptureStore: MarketCaptureStore {
    private let blobs = Mutex<[String: Data]>([:])
    private let cache = MarketPartCache()

    public init() {}

    public func store(_ recording: MarketRecording, day: NYDate) throws -> String {
        let e = try recording.encoded(cache: cache)
        blobs.withLock { b in
            b[e.hash] = e.head
            for p in e.parts { b[p.hash] = p.bytes }
        }
        return e.hash
    }

    public func load(_ hash: String, day: NYDate) throws -> (recording: MarketRecording, problems: [String]) {
        let all = blobs.withLock { $0 }
        guard let head = all[hash] else { throw MarketCaptureError.missing(hash) }
        var problems: [String] = []
        func check(_ name: String, _ bytes: Data) {
            if MarketRecording.sha256(bytes) != name { problems.append("\(name.prefix(12)): its bytes no longer hash to its name (altered)") }
        }
        check(hash, head)
        let recording = try MarketRecording.decode(head: head) { part in
            guard let bytes = all[part] else { throw MarketCaptureError.missing(part) }
            check(part, bytes)
            return bytes
        }
        return (recording, problems)
    }

    /// Replaces the bytes stored under `hash` (tests alter a capture after the day).
    public func replace(_ hash: String, with bytes: Data) { blobs.withLock { $0[hash] = bytes } }
    public func bytes(_ hash: String) -> Data? { blobs.withLock { $0[hash] } }
}
