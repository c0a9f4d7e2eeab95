import Synchronization

/// The last folded state of recently loaded streams, so a load reads only the events appended since
/// (the day's risk stream is loaded for every decision and grows all day). Safe because streams are
/// append-only and a stream's versions commit in order: the fold of versions 1…v never changes.
final class FoldedStateCache: Sendable {
    private struct Entry: @unchecked Sendable {
        var version: Int64
        var state: any Sendable
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func get<State: Sendable>(_ key: String, as: State.Type) -> (version: Int64, state: State)? {
        entries.withLock { e in
            guard let entry = e[key], let state = entry.state as? State else { return nil }
            return (entry.version, state)
        }
    }

    /// Keeps the newer of what is cached and what is given (concurrent loads may finish out of order).
    func put<State: Sendable>(_ key: String, version: Int64, state: State) {
        entries.withLock { e in
            if let old = e[key], old.version >= version { return }
            if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            e[key] = Entry(version: version, state: state)
        }
    }
}
