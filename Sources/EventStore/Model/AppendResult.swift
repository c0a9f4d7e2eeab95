/// The outcome of an append. Concurrency conflicts are values: the caller re-reads and re-decides.
public enum AppendResult: Sendable, Hashable {
    /// The events were written.
    case appended(AppendReceipt)
    /// Nothing was written because this exact batch (same command id, or the same event ids with identical
    /// content) was already stored; the receipt is the original one.
    case alreadyAppended(AppendReceipt)
    /// A stream was not at the expected version.
    case conflict(StreamConflict)

    public var receipt: AppendReceipt? {
        switch self {
        case .appended(let r), .alreadyAppended(let r): r
        case .conflict: nil
        }
    }
}

public struct AppendReceipt: Sendable, Hashable {
    /// Global positions, in batch order.
    public var positions: [Int64]
    /// The version of each stream after the batch.
    public var streamVersions: [String: Int64]

    public init(positions: [Int64], streamVersions: [String: Int64]) {
        self.positions = positions
        self.streamVersions = streamVersions
    }

    /// The highest position written: wait for projections to reach it to read your own writes.
    public var lastPosition: Int64? { positions.max() }
}

public struct StreamConflict: Sendable, Hashable, CustomStringConvertible {
    public var streamID: String
    public var expected: ExpectedVersion
    /// The stream's version when the append was refused (0 = no stream).
    public var actualVersion: Int64

    public init(streamID: String, expected: ExpectedVersion, actualVersion: Int64) {
        self.streamID = streamID
        self.expected = expected
        self.actualVersion = actualVersion
    }

    public var description: String { "stream \(streamID): expected \(expected), actual version \(actualVersion)" }
}
