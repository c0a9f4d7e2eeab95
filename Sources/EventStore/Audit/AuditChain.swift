import Crypto
import Foundation
import PostgresClient

/// The tamper-evidence chain over the log.
///
/// Every event gets a dense audit sequence number `seq` (1, 2, 3 … in reader order) and a hash
///
///     hash(seq) = SHA-256( hash(seq − 1) ‖ canonical(seq, event) ),   hash(0) = 32 zero bytes
///
/// `canonical` is a documented byte string an auditor can rebuild with any tool: the ASCII header
/// `catalyst-audit-v1\n`, then eleven fields, each written as `<byte length in decimal>:<bytes>\n`:
///
/// 1. seq (decimal)               2. global_position (decimal)   3. stream_id
/// 4. stream_version (decimal)    5. event_id (lower-case UUID)  6. event_type
/// 7. schema_version (decimal)    8. occurred_at                 9. recorded_at
/// 10. payload                    11. metadata
///
/// Timestamps are UTC with exactly six fractional digits, e.g. `2026-11-21T14:30:00.123456Z`
/// (`to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`). Payload and metadata are the
/// values as stored (`payload::text`: the writer's bytes; `jsonb`'s rendering for events written before
/// migration 0004). `tx_id` is deliberately not included: it
/// changes when the log is restored into another cluster; the order it defines is captured by `seq`.
public enum AuditChain {
    public static let genesis = [UInt8](repeating: 0, count: 32)
    static let header = Array("catalyst-audit-v1\n".utf8)

    public static func canonical(seq: Int64, event: RecordedEvent) -> [UInt8] {
        // Built byte by byte (no intermediate Strings): the sealer, `audit verify`, archive export and
        // archive verify all run this once per event.
        var out = header
        out.reserveCapacity(header.count + event.payload.count + event.metadata.count + 256)
        func field(_ bytes: some Collection<UInt8>) {
            ArchiveLine.appendInt(Int64(bytes.count), to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\n"))
        }
        func number(_ v: Int64) {
            ArchiveLine.appendInt(Int64(decimalLength(v)), to: &out)
            out.append(UInt8(ascii: ":"))
            ArchiveLine.appendInt(v, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        func timestamp(_ micros: Int64) {
            let start = out.count
            out.append(contentsOf: [50, 55, 58])  // "27:" — the length for years 1…9999
            if ArchiveTimestamp.append(micros: micros, to: &out) {
                out.append(UInt8(ascii: "\n"))
            } else {
                out.removeSubrange(start...)
                field(PGTimestamp.iso8601(micros: micros).utf8)
            }
        }
        number(seq)
        number(event.position)
        field(event.streamID.utf8)
        number(event.streamVersion)
        out.append(contentsOf: [51, 54, 58])  // "36:" — a UUID's text is always 36 bytes
        ArchiveLine.appendUUID(event.eventID, to: &out)  // lower-case
        out.append(UInt8(ascii: "\n"))
        field(event.eventType.utf8)
        number(Int64(event.schemaVersion))
        timestamp(event.occurredAtMicros)
        timestamp(event.recordedAtMicros)
        field(event.payload)
        field(event.metadata)
        return out
    }

    /// Bytes of `v` in decimal, sign included.
    static func decimalLength(_ v: Int64) -> Int {
        var n = v < 0 ? 2 : 1
        var m = v.magnitude
        while m >= 10 {
            m /= 10
            n += 1
        }
        return n
    }

    /// The next link: SHA-256 of the previous hash followed by the canonical bytes.
    public static func link(previous: [UInt8], seq: Int64, event: RecordedEvent) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: canonical(seq: seq, event: event))
        return Array(h.finalize())
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func bytes(fromHex hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
