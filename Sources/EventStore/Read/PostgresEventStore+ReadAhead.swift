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

/// Reads the log one page ahead: the next page is asked for as soon as one is handed over, so the server
/// reads it while the caller decodes and folds this one. `fetch` reads the page after a cursor and returns
/// it with its last cursor, or nil at the end. Pull it from one task at a time.
public final class LogReadAhead<Page: Sendable>: @unchecked Sendable {
    public typealias Fetch = @Sendable (LogCursor) async throws -> (page: Page, last: LogCursor)?
    private let fetch: Fetch
    private var start: LogCursor?
    private var pending: Task<(page: Page, last: LogCursor)?, any Error>?

    public init(after cursor: LogCursor, _ fetch: @escaping Fetch) {
        self.fetch = fetch
        self.start = cursor
    }

    /// The next page, or nil once `fetch` said the log ended (and ever after).
    public func next() async throws -> Page? {
        if let start {
            self.start = nil
            pending = Task { [fetch] in try await fetch(start) }
        }
        guard let running = pending else { return nil }
        guard let (page, last) = try await running.value else {
            pending = nil
            return nil
        }
        pending = Task { [fetch] in try await fetch(last) }
        return page
    }

    /// Waits for the read under way, so its connection is back in the pool (when the caller stops early).
    public func finish() async {
        _ = try? await pending?.value
        pending = nil
        start = nil
    }
}

extension PostgresEventStore {
    /// Reads the log in reader order after `cursor` until it has reached `target` (from `catchUpTarget()`),
    /// handing each page to `body`. The next page is asked for as soon as this one arrives, before it is
    /// decoded (`LogReadAhead`). The same pages, in the same order, below the same horizon as a loop of
    /// `readAll(after:limit:reaching:)`. Returns the cursor reached.
    @discardableResult
    public func readPages(
        after cursor: LogCursor, limit: Int, reaching target: UInt64, _ body: ([RecordedEvent]) async throws -> Void
    ) async throws -> LogCursor {
        let pool = self.pool
        let pages = LogReadAhead<RawLogPage>(after: cursor) { from in
            while true {
                let page = try await pool.withConnection { c in try Self.readPage(after: from, limit: limit, on: c) }
                if let last = page.last { return (page, last) }
                if LogCursor.hasReached(target, from) { return nil }
                try await Task.sleep(for: .seconds(LogCursor.catchUpPollSeconds))
            }
        }
        var at = cursor
        do {
            while let page = try await pages.next() {
                try await body(try page.events())
                at = page.last ?? at
            }
        } catch {
            await pages.finish()
            throw error
        }
        return at
    }
}
