import Foundation
import Glibc

/// Decodes one `catalyst-archive-jsonl-v1` line (without its newline) into an `ArchivedEvent`.
///
/// Specialised to the writer's fixed key order rather than a general JSON parser: one forward pass, key
/// literals compared with `memcmp`, numbers and timestamps parsed in place, the UUID and hash parsed from
/// hex without intermediate strings, and `payload`/`metadata` copied as slices of the byte lengths the line
/// records. Anything that deviates from the format by one byte is an error naming what was expected.
public enum ArchiveLineDecoder {
    /// - Parameter hashes: parse the stored chain hash; replay passes false and gets `ChainHash.zero`
    ///   (the bytes are still covered by the LZ4 checksums; verification always parses them).
    public static func decode(_ line: UnsafeRawBufferPointer, hashes: Bool = true) throws(ArchiveLineError) -> ArchivedEvent {
        let (seq, hash, event) = try decodeParts(line, hashes: hashes)
        return ArchivedEvent(seq: seq, hash: hash, event: event)
    }

    /// The same, as separate values (the reader stores them in parallel arrays).
    static func decodeParts(_ line: UnsafeRawBufferPointer, hashes: Bool) throws(ArchiveLineError) -> (Int64, ChainHash, RecordedEvent) {
        var s = LineScanner(b: line)
        try s.expect(ArchiveLine.kSeq, "seq")
        let seq = try s.int("seq")
        try s.expect(ArchiveLine.kHash, "hash")
        let hashText = try s.take(64, "hash")
        var hash = ChainHash.zero
        if hashes {
            guard let h = ChainHash(hexBytes: hashText) else { throw .init("hash is not 64 hex digits") }
            hash = h
        }
        try s.expect(ArchiveLine.kPosition, "global_position")
        let position = try s.int("global_position")
        try s.expect(ArchiveLine.kTx, "tx_id")
        let tx = try s.uint("tx_id")
        try s.expect(ArchiveLine.kStream, "stream_id")
        let stream = try s.string("stream_id")
        try s.expect(ArchiveLine.kVersion, "stream_version")
        let version = try s.int("stream_version")
        try s.expect(ArchiveLine.kEventID, "event_id")
        guard let eventID = parseUUID(try s.take(36, "event_id")) else { throw .init("event_id is not a UUID") }
        try s.expect(ArchiveLine.kType, "event_type")
        let type = try s.string("event_type")
        try s.expect(ArchiveLine.kSchema, "schema_version")
        let schema = try s.int("schema_version")
        try s.expect(ArchiveLine.kOccurred, "occurred_at")
        guard let occurred = ArchiveTimestamp.parse(try s.take(ArchiveTimestamp.length, "occurred_at")) else {
            throw .init("occurred_at is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        }
        try s.expect(ArchiveLine.kRecorded, "recorded_at")
        guard let recorded = ArchiveTimestamp.parse(try s.take(ArchiveTimestamp.length, "recorded_at")) else {
            throw .init("recorded_at is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        }
        try s.expect(ArchiveLine.kPayloadBytes, "payload_bytes")
        let payloadBytes = try s.int("payload_bytes")
        try s.expect(ArchiveLine.kMetadataBytes, "metadata_bytes")
        let metadataBytes = try s.int("metadata_bytes")
        try s.expect(ArchiveLine.kPayload, "payload")
        let payload = try s.object(payloadBytes, "payload")
        try s.expect(ArchiveLine.kMetadata, "metadata")
        let metadata = try s.object(metadataBytes, "metadata")
        guard s.i + 1 == line.count, line[s.i] == UInt8(ascii: "}") else { throw .init("unexpected bytes after metadata") }
        guard schema >= 0, schema <= Int64(Int32.max) else { throw .init("schema_version out of range") }
        let event = RecordedEvent(
            position: position, transactionID: tx, streamID: stream, streamVersion: version, eventID: eventID, eventType: type,
            schemaVersion: Int(schema), payload: Data(copying: payload), metadata: Data(copying: metadata), occurredAtMicros: occurred,
            recordedAtMicros: recorded)
        return (seq, hash, event)
    }

    static func parseUUID(_ b: UnsafeRawBufferPointer) -> UUID? {
        guard b.count == 36, b[8] == 45, b[13] == 45, b[18] == 45, b[23] == 45 else { return nil }
        // Two 64-bit halves through a 256-entry table (0xff marks a non-hex byte), checked once at the end.
        let table = hexTable
        var invalid: UInt8 = 0
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        @inline(__always) func accumulate(_ range: Range<Int>, _ w: inout UInt64) {
            for i in range {
                let v = table[Int(b[i])]
                invalid |= v
                w = w << 4 | UInt64(v & 0x0f)
            }
        }
        accumulate(0..<8, &hi)
        accumulate(9..<13, &hi)
        accumulate(14..<18, &hi)
        accumulate(19..<23, &lo)
        accumulate(24..<36, &lo)
        invalid &= 0xf0
        guard invalid == 0 else { return nil }
        var u: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &u) { p in
            p.storeBytes(of: hi.bigEndian, toByteOffset: 0, as: UInt64.self)
            p.storeBytes(of: lo.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: u)
    }

    /// Hex digit values by byte; 0xff for anything that is not a hex digit.
    nonisolated(unsafe) static let hexTable: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for c in 0..<256 { t[c] = nibble(UInt8(c)) ?? 0xff }
        return UnsafePointer(t)
    }()

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8? {
        let d = c &- 48
        if d < 10 { return d }
        let l = (c | 0x20) &- 97
        return l < 6 ? l + 10 : nil
    }
}

/// A forward-only cursor over one line.
struct LineScanner {
    let b: UnsafeRawBufferPointer
    var i = 0

    @inline(__always)
    mutating func expect(_ literal: StaticString, _ field: StaticString) throws(ArchiveLineError) {
        let n = literal.utf8CodeUnitCount
        guard i + n <= b.count, Self.equal(b.baseAddress! + i, UnsafeRawPointer(literal.utf8Start), n) else {
            throw .init("expected the key of \(field) at byte \(i)")
        }
        i += n
    }

    /// Byte equality for the short key literals (7…20 bytes) with a few overlapping 4- and 8-byte loads:
    /// cheaper than a `memcmp` call or a byte loop, and this runs fifteen times per line.
    @inline(__always) static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        func w8(_ p: UnsafeRawPointer, _ o: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
        func w4(_ p: UnsafeRawPointer, _ o: Int) -> UInt32 { p.loadUnaligned(fromByteOffset: o, as: UInt32.self) }
        if n >= 8 {
            var diff = (w8(a, 0) ^ w8(b, 0)) | (w8(a, n - 8) ^ w8(b, n - 8))
            var k = 8
            while k < n - 8 {
                diff |= w8(a, k) ^ w8(b, k)
                k += 8
            }
            return diff == 0
        }
        if n >= 4 { return (w4(a, 0) ^ w4(b, 0)) | (w4(a, n - 4) ^ w4(b, n - 4)) == 0 }
        return (0..<n).allSatisfy { a.load(fromByteOffset: $0, as: UInt8.self) == b.load(fromByteOffset: $0, as: UInt8.self) }
    }

    @inline(__always)
    mutating func take(_ n: Int, _ field: StaticString) throws(ArchiveLineError) -> UnsafeRawBufferPointer {
        guard n >= 0, i + n <= b.count else { throw .init("\(field) runs past the end of the line") }
        defer { i += n }
        return UnsafeRawBufferPointer(rebasing: b[i..<(i + n)])
    }

    /// A decimal integer, optionally negative.
    @inline(__always)
    mutating func int(_ field: StaticString) throws(ArchiveLineError) -> Int64 {
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        var v: Int64 = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
            guard !o1, !o2 else { throw .init("\(field) overflows a 64-bit integer") }
            v = a
            i += 1
        }
        guard i > start else { throw .init("\(field) is not a number") }
        return negative ? -v : v
    }

    /// An unsigned decimal integer (an `xid8` uses all 64 bits).
    @inline(__always)
    mutating func uint(_ field: StaticString) throws(ArchiveLineError) -> UInt64 {
        let start = i
        var v: UInt64 = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b[i] - 48))
            guard !o1, !o2 else { throw .init("\(field) overflows a 64-bit integer") }
            v = a
            i += 1
        }
        guard i > start else { throw .init("\(field) is not a number") }
        return v
    }

    /// A raw JSON object of exactly `n` bytes.
    @inline(__always)
    mutating func object(_ n: Int64, _ field: StaticString) throws(ArchiveLineError) -> UnsafeRawBufferPointer {
        guard n >= 2, n <= Int64(b.count) else { throw .init("\(field)_bytes is out of range") }
        let slice = try take(Int(n), field)
        guard slice[0] == UInt8(ascii: "{"), slice[slice.count - 1] == UInt8(ascii: "}") else {
            throw .init("\(field) is not a JSON object of \(field)_bytes bytes")
        }
        return slice
    }

    /// A JSON string literal starting at the opening quote. Strings without escapes (the usual case) are
    /// taken as one slice; escapes are decoded on a slower path.
    @inline(__always)
    mutating func string(_ field: StaticString) throws(ArchiveLineError) -> String {
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw .init("\(field) is not a string") }
        i += 1
        let start = i
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                defer { i += 1 }
                let bytes = UnsafeBufferPointer(start: (b.baseAddress! + start).assumingMemoryBound(to: UInt8.self), count: i - start)
                return String(decoding: bytes, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                i = start
                return try escapedString(field)
            }
            i += 1
        }
        throw .init("\(field) is not terminated")
    }

    private mutating func escapedString(_ field: StaticString) throws(ArchiveLineError) -> String {
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < b.count else { throw .init("\(field) ends inside an escape") }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(field)
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < b.count, b[i] == 92, b[i + 1] == UInt8(ascii: "u") else { throw .init("\(field) has a lone surrogate") }
                        i += 2
                        let low = try hex4(field)
                        guard (0xDC00..<0xE000).contains(low) else { throw .init("\(field) has a lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw .init("\(field) has an invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw .init("\(field) has an unknown escape")
                }
            default:
                out.append(c)
            }
        }
        throw .init("\(field) is not terminated")
    }

    private mutating func hex4(_ field: StaticString) throws(ArchiveLineError) -> UInt32 {
        guard i + 4 <= b.count else { throw .init("\(field) ends inside a \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let n = ArchiveLineDecoder.nibble(b[i]) else { throw .init("\(field) has an invalid \\u escape") }
            v = v << 4 | UInt32(n)
            i += 1
        }
        return v
    }
}
