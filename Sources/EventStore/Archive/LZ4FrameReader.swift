import CLZ4
import Crypto
import Foundation
import Glibc

/// Reads one LZ4 frame file as a sequence of decompressed chunks (at most 1 MiB each), pull-based, so a
/// reader can stop after any chunk without decoding the rest.
///
/// liblz4 checks the block checksums as it goes and the content checksum at the end of the frame; any
/// failure, a truncated frame or bytes after the frame are errors naming the file. The SHA-256 of the
/// file's bytes is computed on the way (when asked), so verifying a segment reads it once.
public final class LZ4FrameReader {
    public static let chunkSize = 1 << 20

    public let path: String
    /// The name used in error messages (the file name within its archive).
    public let displayName: String
    private let fd: Int32
    private let dctx: OpaquePointer
    // Manually allocated so the chunk handed out by `next()` stays valid until the next call.
    private let source: UnsafeMutableRawBufferPointer
    private var sourceStart = 0
    private var sourceEnd = 0
    private var endOfFile = false
    private var frameEnded = false
    private let destination: UnsafeMutableRawBufferPointer
    private var hasher: SHA256?
    private var closed = false
    public private(set) var compressedBytes: Int64 = 0
    public private(set) var uncompressedBytes: Int64 = 0

    /// Opens `path`. With `hashing`, `sha256()` returns the SHA-256 of every byte of the file once the
    /// frame has been read to its end.
    public init(path: String, displayName: String? = nil, hashing: Bool = false) throws {
        self.path = path
        self.displayName = displayName ?? (path as NSString).lastPathComponent
        var ctx: OpaquePointer?
        let rc = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(rc) == 0, let ctx else {
            throw ArchiveError.io(file: self.displayName, reason: "LZ4 create context failed: \(lz4ErrorName(rc))")
        }
        dctx = ctx
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            LZ4F_freeDecompressionContext(ctx)
            throw ArchiveError.io(file: self.displayName, reason: "cannot open: \(String(cString: strerror(e)))")
        }
        source = .allocate(byteCount: Self.chunkSize, alignment: 16)
        destination = .allocate(byteCount: Self.chunkSize, alignment: 16)
        hasher = hashing ? SHA256() : nil
    }

    deinit {
        LZ4F_freeDecompressionContext(dctx)
        source.deallocate()
        destination.deallocate()
        if !closed { close(fd) }
    }

    /// The next decompressed chunk, valid until the next call; nil once the frame has ended and every
    /// byte of the file was consumed.
    public func next() throws -> UnsafeRawBufferPointer? {
        while true {
            if sourceStart == sourceEnd && !endOfFile { try refill() }
            if frameEnded {
                guard sourceStart == sourceEnd else {
                    throw ArchiveError.corrupt(file: displayName, seq: nil, reason: "unexpected bytes after the end of the LZ4 frame")
                }
                if endOfFile { return nil }
                continue
            }
            if sourceStart == sourceEnd && endOfFile {
                throw ArchiveError.corrupt(file: displayName, seq: nil, reason: "the LZ4 frame is truncated (file ends before the frame does)")
            }
            var srcSize = sourceEnd - sourceStart
            var dstSize = destination.count
            let hint = LZ4F_decompress(dctx, destination.baseAddress, &dstSize, source.baseAddress! + sourceStart, &srcSize, nil)
            if LZ4F_isError(hint) != 0 {
                throw ArchiveError.corrupt(file: displayName, seq: nil, reason: "LZ4 frame check failed: \(lz4ErrorName(hint))")
            }
            sourceStart += srcSize
            if hint == 0 { frameEnded = true }
            if dstSize > 0 {
                uncompressedBytes += Int64(dstSize)
                return UnsafeRawBufferPointer(start: destination.baseAddress, count: dstSize)
            }
        }
    }

    /// Reads the rest of the file without decoding it (only to finish the SHA-256 after a failure).
    public func drainForHash() {
        while !endOfFile {
            sourceStart = sourceEnd
            if (try? refill()) == nil { return }
        }
    }

    /// The SHA-256 of the file's bytes; only once every byte was read (after `next()` returned nil or
    /// `drainForHash()`), and only when the reader was opened with `hashing`.
    public func sha256() -> String? {
        guard endOfFile, let hasher else { return nil }
        return AuditChain.hex(Array(hasher.finalize()))
    }

    private func refill() throws {
        sourceStart = 0
        sourceEnd = 0
        while true {
            let n = read(fd, source.baseAddress, source.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io(file: displayName, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                endOfFile = true
                close(fd)
                closed = true
                return
            }
            sourceEnd = n
            compressedBytes += Int64(n)
            hasher?.update(bufferPointer: UnsafeRawBufferPointer(start: source.baseAddress, count: n))
            return
        }
    }
}
