import CLibPQ
import Foundation

/// The rows of one statement, in text format. Owns the libpq result and frees it on deinit.
///
/// Values are read by (row, column) index; the `bytes` accessor avoids creating a `String` on hot paths.
public final class PGResult {
    let handle: OpaquePointer
    public let rowCount: Int
    public let columnCount: Int

    init(_ handle: OpaquePointer) {
        self.handle = handle
        self.rowCount = Int(PQntuples(handle))
        self.columnCount = Int(PQnfields(handle))
    }

    deinit { PQclear(handle) }

    /// Rows changed by INSERT/UPDATE/DELETE/COPY, as the command tag reports.
    public var affectedRows: Int {
        guard let p = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: p)) ?? 0
    }

    public func columnName(_ column: Int) -> String { String(cString: PQfname(handle, Int32(column))) }

    public func column(named name: String) -> Int? {
        let i = Int(PQfnumber(handle, name))
        return i < 0 ? nil : i
    }

    public func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) == 1 }

    public func string(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column) else { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    /// The raw text bytes of a value, valid while this result lives. Nil for SQL NULL.
    public func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(row, column) else { return nil }
        let len = Int(PQgetlength(handle, Int32(row), Int32(column)))
        let ptr = UnsafeRawPointer(PQgetvalue(handle, Int32(row), Int32(column))!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: ptr, count: len)
    }

    public func int64(_ row: Int, _ column: Int) -> Int64? {
        guard let b = bytes(row, column) else { return nil }
        return Self.parseInt64(b)
    }

    public func int(_ row: Int, _ column: Int) -> Int? { int64(row, column).map { Int($0) } }

    public func bool(_ row: Int, _ column: Int) -> Bool? {
        guard let b = bytes(row, column), let first = b.first else { return nil }
        return first == UInt8(ascii: "t")
    }

    public func uuid(_ row: Int, _ column: Int) -> UUID? { bytes(row, column).flatMap { UUID(utf8: $0) } }

    public func decimal(_ row: Int, _ column: Int) -> Decimal? {
        string(row, column).flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
    }

    public func double(_ row: Int, _ column: Int) -> Double? { string(row, column).flatMap(Double.init) }

    /// A `timestamptz` value; the session time zone is UTC on every connection we open.
    public func date(_ row: Int, _ column: Int) -> Date? { string(row, column).flatMap(PGTimestamp.parse) }

    /// The first column of the first row, as text.
    public var scalar: String? { rowCount > 0 && columnCount > 0 ? string(0, 0) : nil }

    /// Every row as `[column name: text]` (NULL omitted). Convenient for tools; not for hot paths.
    public func dictionaries() -> [[String: String]] {
        (0..<rowCount).map { r in
            var d: [String: String] = [:]
            for c in 0..<columnCount { if let v = string(r, c) { d[columnName(c)] = v } }
            return d
        }
    }

    // MARK: Binary format (`PGConnection.prepared(…, binaryResults: true)`)

    /// A big-endian integer of `width` bytes (an `int2`, `int4`, `int8` or `xid8` in binary format).
    func binaryInteger(_ row: Int, _ column: Int, width: Int) -> UInt64? {
        guard let b = bytes(row, column), b.count == width else { return nil }
        var v: UInt64 = 0
        for byte in b { v = v << 8 | UInt64(byte) }
        return v
    }

    /// The type OID of a column (`PQftype`): 114 `json`, 3802 `jsonb`, …
    public func typeOID(_ column: Int) -> UInt32 { UInt32(PQftype(handle, Int32(column))) }

    /// The text of a `json` or `jsonb` value in binary format (a `jsonb` value starts with its format version, 1).
    public func binaryJSON(_ row: Int, _ column: Int, isJSONB: Bool) -> UnsafeBufferPointer<UInt8>? {
        guard let b = bytes(row, column) else { return nil }
        guard isJSONB else { return b }
        guard b.first == 1 else { return nil }
        return UnsafeBufferPointer(rebasing: b.dropFirst())
    }

    /// A `boolean` in binary format (one byte, 1 for true).
    public func binaryBool(_ row: Int, _ column: Int) -> Bool? { bytes(row, column).flatMap(\.first).map { $0 != 0 } }

    /// An `int8` in binary format.
    public func binaryInt64(_ row: Int, _ column: Int) -> Int64? { binaryInteger(row, column, width: 8).map { Int64(bitPattern: $0) } }

    /// An `xid8` in binary format.
    public func binaryUInt64(_ row: Int, _ column: Int) -> UInt64? { binaryInteger(row, column, width: 8) }

    /// An `int4` in binary format.
    public func binaryInt32(_ row: Int, _ column: Int) -> Int32? { binaryInteger(row, column, width: 4).map { Int32(truncatingIfNeeded: $0) } }

    /// A `uuid` in binary format (16 bytes).
    public func binaryUUID(_ row: Int, _ column: Int) -> UUID? {
        guard let b = bytes(row, column), b.count == 16 else { return nil }
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// A `timestamptz` in binary format, as microseconds since 1970 (the wire counts from 2000-01-01 UTC).
    public func binaryTimestampMicros(_ row: Int, _ column: Int) -> Int64? { binaryInt64(row, column).map { $0 &+ Self.micros1970To2000 } }

    static let micros1970To2000: Int64 = 946_684_800_000_000

    static func parseInt64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if b.count > 0 && b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v &* 10 &+ Int64(c - 48)
            i += 1
        }
        return negative ? -v : v
    }
}
