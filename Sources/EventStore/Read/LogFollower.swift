import Foundation

/// Reads the whole log in reader order from a cursor: first everything already there, then new events as
/// they become visible. Pull-based, so a slow consumer simply reads later; nothing is buffered unbounded.
public struct LogFollower: AsyncSequence, Sendable {
    public typealias Element = [RecordedEvent]

    let store: any EventStore
    let start: LogCursor
    let batchSize: Int
    let waker: LogWaker?
    let pollInterval: Duration

    public init(store: any EventStore, from start: LogCursor, batchSize: Int = 1000, waker: LogWaker?, pollInterval: Duration = .milliseconds(500)) {
        self.store = store
        self.start = start
        self.batchSize = batchSize
        self.waker = waker
        self.pollInterval = pollInterval
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(follower: self, cursor: start)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let follower: LogFollower
        public private(set) var cursor: LogCursor

        /// The next non-empty batch; nil once the surrounding task is cancelled.
        public mutating func next() async throws -> [RecordedEvent]? {
            while !Task.isCancelled {
                let seen = await follower.waker?.currentGeneration ?? 0
                let batch = try await follower.store.readAll(after: cursor, limit: follower.batchSize)
                if let last = batch.last {
                    cursor = last.cursor
                    return batch
                }
                if let waker = follower.waker {
                    await waker.wait(after: seen, timeout: follower.pollInterval)
                } else {
                    try? await Task.sleep(for: follower.pollInterval)
                }
            }
            return nil
        }
    }
}
