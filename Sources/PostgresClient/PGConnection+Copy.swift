import CLibPQ
import Foundation

/// Streams rows into `COPY … FROM STDIN`, buffering into 256 KiB chunks.
public struct PGCopyWriter {
    private let handle: OpaquePointer
    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 29)
    private static let chunk = 256 * 1024

    init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    /// Appends raw COPY text (already escaped).
    public mutating func write(_ bytes: some Sequence<UInt8>) throws(PGError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Appends one field in COPY text format, escaping backslash, tab, newline and carriage return.
    /// `nil` writes `\N`. Call `endField`/`endRow` between fields and rows.
    public mutating func field(_ text: String?) {
        guard var text else {
            buffer.append(contentsOf: [92, 78])  // \N
            return
        }
        text.withUTF8 { field(utf8: $0) }
    }

    public mutating func field(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // Copy runs of ordinary bytes in one go; only the four special bytes are escaped.
        var runStart = 0
        for i in 0..<bytes.count {
            let escaped: UInt8
            switch bytes[i] {
            case 92: escaped = 92
            case 9: escaped = 116
            case 10: escaped = 110
            case 13: escaped = 114
            default: continue
            }
            if i > runStart { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            buffer.append(92)
            buffer.append(escaped)
            runStart = i + 1
        }
        if bytes.count > runStart { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }

    /// A `timestamptz` field (UTC, microseconds) written straight into the buffer.
    public mutating func field(timestamp: Date) {
        PGTimestamp.write(timestamp, into: &scratch)
        buffer.append(contentsOf: scratch)
    }

    public mutating func endField() { buffer.append(9) }

    public mutating func endRow() throws(PGError) {
        buffer.append(10)
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        let rc = buffer.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32(buf.count)) }
        }
        guard rc == 1 else {
            throw PGError(.protocolViolation, message: "COPY send failed: \(String(cString: PQerrorMessage(handle)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension PGConnection {
    /// Runs a `COPY … FROM STDIN` statement, letting `produce` write the rows. Returns the number of rows
    /// the server reports. On a thrown error the COPY is aborted and nothing is written.
    @discardableResult
    public func copyIn(_ sql: String, _ produce: (inout PGCopyWriter) throws -> Void) throws -> Int {
        let start = try check(PQexec(handle, sql))
        _ = start
        var writer = PGCopyWriter(handle: handle)
        do {
            try produce(&writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by client")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PGError(.protocolViolation, message: "COPY end failed: \(String(cString: PQerrorMessage(handle)))")
        }
        var rows = 0
        var firstError: PGError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(r))) ?? 0
                PQclear(r)
            } else if firstError == nil {
                firstError = PGError.from(result: r, connection: handle)
                PQclear(r)
            } else {
                PQclear(r)
            }
        }
        if let firstError { throw firstError }
        return rows
    }

    /// Runs a `COPY … TO STDOUT` statement and hands each row (COPY text, with its newline) to `consume`.
    public func copyOut(_ sql: String, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        _ = try check(PQexec(handle, sql))
        var failure: (any Error)?
        while true {
            var buf: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buf, 0)
            if n > 0, let buf {
                if failure == nil {
                    do { try consume(UnsafeRawBufferPointer(start: buf, count: Int(n))) } catch { failure = error }
                }
                PQfreemem(buf)
            } else if n == -1 {
                break
            } else {
                throw PGError(.protocolViolation, message: "COPY receive failed: \(String(cString: PQerrorMessage(handle)))")
            }
        }
        var firstError: PGError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK, firstError == nil { firstError = PGError.from(result: r, connection: handle) }
            PQclear(r)
        }
        if let failure { throw failure }
        if let firstError { throw firstError }
    }

    func drainResults() {
        while let r = PQgetResult(handle) { PQclear(r) }
    }
}
