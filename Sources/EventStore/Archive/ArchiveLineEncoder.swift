import Foundation

/// One archived event: its audit sequence number, its chain link as sealed, and the event itself.
public struct ArchivedEvent: Sendable, Hashable {
    public var seq: Int64
    public var hash: ChainHash
    public var event: RecordedEvent

    public init(seq: Int64, hash: ChainHash, event: RecordedEvent) {
        self.seq = seq
        self.hash = hash
        self.event = event
    }
}

/// The archive's line format (`catalyst-archive-jsonl-v1`): one JSON object per line, every column, keys
/// always in this order:
///
///     {"seq":1,"hash":"<64 hex>","global_position":7,"tx_id":"745","stream_id":"…","stream_version":1,
///      "event_id":"<uuid>","event_type":"…","schema_version":1,"occurred_at":"2026-11-21T14:30:00.123456Z",
///      "recorded_at":"…","payload_bytes":213,"metadata_bytes":61,"payload":{…},"metadata":{…}}
///
/// Any JSON tool reads it. The fixed order and the two byte lengths are what make the replay decoder
/// fast: it walks the line once, never searches for keys, and takes `payload` and `metadata` (the stored
/// text, byte for byte: one line each, which the log's check constraints guarantee) as slices of known
/// length without parsing them. `tx_id` is a string
/// because an `xid8` can exceed what JSON numbers carry exactly in many tools.
public enum ArchiveLine {
    public static let format = "catalyst-archive-jsonl-v1"

    static let kSeq: StaticString = #"{"seq":"#
    static let kHash: StaticString = #","hash":""#
    static let kPosition: StaticString = #"","global_position":"#
    static let kTx: StaticString = #","tx_id":""#
    static let kStream: StaticString = #"","stream_id":"#
    static let kVersion: StaticString = #","stream_version":"#
    static let kEventID: StaticString = #","event_id":""#
    static let kType: StaticString = #"","event_type":"#
    static let kSchema: StaticString = #","schema_version":"#
    static let kOccurred: StaticString = #","occurred_at":""#
    static let kRecorded: StaticString = #"","recorded_at":""#
    static let kPayloadBytes: StaticString = #"","payload_bytes":"#
    static let kMetadataBytes: StaticString = #","metadata_bytes":"#
    static let kPayload: StaticString = #","payload":"#
    static let kMetadata: StaticString = #","metadata":"#

    /// Appends one line (with its newline) to `out`. Fails only for a timestamp outside years 1…9999.
    public static func append(_ a: ArchivedEvent, to out: inout [UInt8]) throws(ArchiveLineError) {
        let e = a.event
        append(kSeq, to: &out)
        appendInt(a.seq, to: &out)
        append(kHash, to: &out)
        a.hash.appendHex(to: &out)
        append(kPosition, to: &out)
        appendInt(e.position, to: &out)
        append(kTx, to: &out)
        appendUInt(e.transactionID, to: &out)
        append(kStream, to: &out)
        appendJSONString(e.streamID, to: &out)
        append(kVersion, to: &out)
        appendInt(e.streamVersion, to: &out)
        append(kEventID, to: &out)
        appendUUID(e.eventID, to: &out)
        append(kType, to: &out)
        appendJSONString(e.eventType, to: &out)
        append(kSchema, to: &out)
        appendInt(Int64(e.schemaVersion), to: &out)
        append(kOccurred, to: &out)
        guard ArchiveTimestamp.append(micros: e.occurredAtMicros, to: &out) else { throw .init("occurred_at is outside years 1…9999") }
        append(kRecorded, to: &out)
        guard ArchiveTimestamp.append(micros: e.recordedAtMicros, to: &out) else { throw .init("recorded_at is outside years 1…9999") }
        append(kPayloadBytes, to: &out)
        appendInt(Int64(e.payload.count), to: &out)
        append(kMetadataBytes, to: &out)
        appendInt(Int64(e.metadata.count), to: &out)
        append(kPayload, to: &out)
        out.append(contentsOf: e.payload)
        append(kMetadata, to: &out)
        out.append(contentsOf: e.metadata)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    static func append(_ key: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            appendUInt(v.magnitude, to: &out)
        } else {
            appendUInt(UInt64(v), to: &out)
        }
    }

    static func appendUInt(_ v: UInt64, to out: inout [UInt8]) {
        // Digits are produced backwards into a stack buffer with constant divisors (multiplications).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            var rest = v
            repeat {
                i -= 1
                buf[i] = 48 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }

    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { bytes in
            for (i, b) in bytes.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                let hi = b >> 4, lo = b & 0xf
                out.append(hi < 10 ? 48 + hi : 87 + hi)
                out.append(lo < 10 ? 48 + lo : 87 + lo)
            }
        }
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`;
    /// everything else (including non-ASCII UTF-8) verbatim.
    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            for b in buf {
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
                case 10: out.append(contentsOf: [92, 110])
                case 13: out.append(contentsOf: [92, 114])
                case 9: out.append(contentsOf: [92, 116])
                case 0..<32:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 0xf)]])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Why one archive line could not be written or read; the caller adds the file and seq.
public struct ArchiveLineError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
