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
/// fast: it walks the line once, never searches for keys, and takes `payload` and `metadata` (PostgreSQL's
/// `jsonb` text, byte for byte) as slices of known length without parsing them. `tx_id` is a string
/// because an `xid8` can exceed what JSON numbers carry exactly in many tools.
public enum ArchiveLine {
    public static let format = "catalyst-archive-jsonl-v1"

    static let kSeq = Array(#"{"seq":"#.utf8)
    static let kHash = Array(#","hash":""#.utf8)
    static let kPosition = Array(#"","global_position":"#.utf8)
    static let kTx = Array(#","tx_id":""#.utf8)
    static let kStream = Array(#"","stream_id":"#.utf8)
    static let kVersion = Array(#","stream_version":"#.utf8)
    static let kEventID = Array(#","event_id":""#.utf8)
    static let kType = Array(#"","event_type":"#.utf8)
    static let kSchema = Array(#","schema_version":"#.utf8)
    static let kOccurred = Array(#","occurred_at":""#.utf8)
    static let kRecorded = Array(#"","recorded_at":""#.utf8)
    static let kPayloadBytes = Array(#"","payload_bytes":"#.utf8)
    static let kMetadataBytes = Array(#","metadata_bytes":"#.utf8)
    static let kPayload = Array(#","payload":"#.utf8)
    static let kMetadata = Array(#","metadata":"#.utf8)

    /// Appends one line (with its newline) to `out`. Fails only for a timestamp outside years 1…9999.
    public static func append(_ a: ArchivedEvent, to out: inout [UInt8]) throws(ArchiveLineError) {
        let e = a.event
        out.append(contentsOf: kSeq)
        appendInt(a.seq, to: &out)
        out.append(contentsOf: kHash)
        a.hash.appendHex(to: &out)
        out.append(contentsOf: kPosition)
        appendInt(e.position, to: &out)
        out.append(contentsOf: kTx)
        appendUInt(e.transactionID, to: &out)
        out.append(contentsOf: kStream)
        appendJSONString(e.streamID, to: &out)
        out.append(contentsOf: kVersion)
        appendInt(e.streamVersion, to: &out)
        out.append(contentsOf: kEventID)
        appendUUID(e.eventID, to: &out)
        out.append(contentsOf: kType)
        appendJSONString(e.eventType, to: &out)
        out.append(contentsOf: kSchema)
        appendInt(Int64(e.schemaVersion), to: &out)
        out.append(contentsOf: kOccurred)
        guard ArchiveTimestamp.append(micros: e.occurredAtMicros, to: &out) else { throw .init("occurred_at is outside years 1…9999") }
        out.append(contentsOf: kRecorded)
        guard ArchiveTimestamp.append(micros: e.recordedAtMicros, to: &out) else { throw .init("recorded_at is outside years 1…9999") }
        out.append(contentsOf: kPayloadBytes)
        appendInt(Int64(e.payload.count), to: &out)
        out.append(contentsOf: kMetadataBytes)
        appendInt(Int64(e.metadata.count), to: &out)
        out.append(contentsOf: kPayload)
        out.append(contentsOf: e.payload)
        out.append(contentsOf: kMetadata)
        out.append(contentsOf: e.metadata)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
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
        var div: UInt64 = 1
        while div <= v / 10 { div *= 10 }
        var rest = v
        while div > 0 {
            out.append(48 + UInt8(rest / div))
            rest %= div
            div /= 10
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
