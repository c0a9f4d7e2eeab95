import Foundation
import PostgresClient

/// A page of the log in binary format, as the server sent it. Immutable once received, so it may cross
/// to the task that decodes it.
struct RawLogPage: @unchecked Sendable {
    let result: PGResult

    /// The cursor of the page's last event, read without decoding the page; nil when it is empty.
    var last: LogCursor? {
        let row = result.rowCount - 1
        guard row >= 0, let position = result.binaryInt64(row, 0), let tx = result.binaryUInt64(row, 1) else { return nil }
        return LogCursor(transactionID: tx, position: position)
    }

    func events() throws -> [RecordedEvent] { try PostgresEventStore.decodeRows(result) }
}

extension PostgresEventStore {
    /// Reads the log in reader order after `cursor` until it has reached `target` (from `catchUpTarget()`),
    /// handing each page to `body`. The next page is asked for as soon as this one arrives, so the server
    /// reads it while this one is decoded and consumed. The same pages, in the same order, below the same
    /// horizon as a loop of `readAll(after:limit:reaching:)`. Returns the cursor reached.
    @discardableResult
    public func readPages(
        after cursor: LogCursor, limit: Int, reaching target: UInt64, _ body: ([RecordedEvent]) async throws -> Void
    ) async throws -> LogCursor {
        let pool = self.pool
        @Sendable func fetch(_ from: LogCursor) async throws -> RawLogPage {
            try await pool.withConnection { c in try Self.readPage(after: from, limit: limit, on: c) }
        }
        var at = cursor
        var ahead = Task { [at] in try await fetch(at) }
        while true {
            let page = try await ahead.value
            guard let last = page.last else {
                if LogCursor.hasReached(target, at) { return at }
                try await Task.sleep(for: .seconds(LogCursor.catchUpPollSeconds))
                ahead = Task { [at] in try await fetch(at) }
                continue
            }
            at = last
            ahead = Task { [at] in try await fetch(at) }
            do {
                try await body(try page.events())
            } catch {
                _ = try? await ahead.value  // the read ahead finishes before the error leaves (its connection goes back to the pool)
                throw error
            }
        }
    }
}
