/// A SHA-256 chain link held inline (four words, no heap allocation), so decoding millions of archive
/// lines does not allocate an array per hash.
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The genesis link: 32 zero bytes.
    public static let zero = ChainHash(w0: 0, w1: 0, w2: 0, w3: 0)

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// From 32 raw bytes (as `AuditChain.link` returns them).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        func word(_ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 << 8 | UInt64(bytes[i * 8 + $1]) } }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// From 64 hexadecimal digits (either case).
    public init?(hex: String) {
        var h = hex
        guard let v = h.withUTF8({ ChainHash(hexBytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = v
    }

    init?(hexBytes b: UnsafeRawBufferPointer) {
        guard b.count == 64, let a = Self.word(b, 0), let c = Self.word(b, 16), let d = Self.word(b, 32), let e = Self.word(b, 48)
        else { return nil }
        self.init(w0: a, w1: c, w2: d, w3: e)
    }

    /// Sixteen hex digits at `offset` as one big-endian word.
    private static func word(_ b: UnsafeRawBufferPointer, _ offset: Int) -> UInt64? {
        var w: UInt64 = 0
        for i in offset..<(offset + 16) {
            guard let v = ArchiveLineDecoder.nibble(b[i]) else { return nil }
            w = w << 4 | UInt64(v)
        }
        return w
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }

    /// Lower-case hex, the form `audit_chain.hash` and the manifest use.
    public var hex: String { AuditChain.hex(bytes) }

    public var description: String { hex }

    /// Appends the 64 lower-case hex digits to `out` (hot path of the line encoder).
    func appendHex(to out: inout [UInt8]) {
        func put(_ w: UInt64) {
            for shift in stride(from: 60, through: 0, by: -4) {
                let v = UInt8(truncatingIfNeeded: (w >> UInt64(shift)) & 0xf)
                out.append(v < 10 ? 48 + v : 87 + v)
            }
        }
        put(w0)
        put(w1)
        put(w2)
        put(w3)
    }
}
