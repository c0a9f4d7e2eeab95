/// Splits one row of `COPY … TO STDOUT` text format into its fields, undoing COPY's escapes.
///
/// COPY text escapes backslash, tab, newline and carriage return (and prints `\b`, `\f`, `\v` for those
/// control characters); it never emits octal or hex escapes on output. Fields without a backslash (almost
/// all of them) are copied as they are. The buffers are reused from row to row.
struct CopyTextRow {
    private(set) var bytes: [UInt8] = []
    private(set) var ranges: [Range<Int>] = []

    init() {
        bytes.reserveCapacity(4096)
        ranges.reserveCapacity(16)
    }

    /// Parses `row` (with or without its trailing newline). Throws on `\N` (NULL) or an unknown escape:
    /// the export query selects no nullable column.
    mutating func parse(_ row: UnsafeRawBufferPointer) throws(ArchiveLineError) {
        bytes.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        var end = row.count
        if end > 0, row[end - 1] == 10 { end -= 1 }
        var start = 0
        var i = 0
        while i < end {
            let c = row[i]
            if c == 9 {
                ranges.append(start..<bytes.count)
                start = bytes.count
                i += 1
                continue
            }
            if c == 92 {
                guard i + 1 < end else { throw .init("COPY row ends inside an escape") }
                let e = row[i + 1]
                switch e {
                case 92: bytes.append(92)
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "v"): bytes.append(11)
                case UInt8(ascii: "N"): throw .init("unexpected NULL in a COPY row")
                default: throw .init("unexpected escape \\\(UnicodeScalar(e)) in a COPY row")
                }
                i += 2
                continue
            }
            // Copy the run of ordinary bytes up to the next tab or backslash in one go.
            var j = i + 1
            while j < end, row[j] != 9, row[j] != 92 { j += 1 }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: row[i..<j]))
            i = j
        }
        ranges.append(start..<bytes.count)
    }

    var count: Int { ranges.count }
}
