import CLZ4
import Crypto
import Foundation
import Glibc

/// Streams bytes into one LZ4 frame file (the standard frame format: `lz4 -d` reads it).
///
/// Input is gathered into 1 MiB chunks and compressed with `LZ4F_compressUpdate`; each compressed piece is
/// written straight to the file and fed to a SHA-256 of the file's bytes, so the manifest's file hash costs
/// no second read. The frame carries a content checksum (whole frame, checked at the end by any reader)
/// and block checksums (each block checked before it is decoded, so a corrupted byte is caught at the
/// block it lives in rather than after garbage was handed out).
public final class LZ4FrameWriter {
    public static let chunkSize = 1 << 20

    public let path: String
    private let fd: Int32
    private let cctx: OpaquePointer
    private var preferences: LZ4F_preferences_t
    private var input: [UInt8] = []
    private var output: [UInt8]
    private var hasher = SHA256()
    private var finished = false
    public private(set) var uncompressedBytes: Int64 = 0
    public private(set) var compressedBytes: Int64 = 0

    /// What a finished file is: its size before and after compression and the SHA-256 of its bytes.
    public struct Summary: Sendable, Hashable {
        public var uncompressedBytes: Int64
        public var compressedBytes: Int64
        public var sha256: String
    }

    /// Creates `path` (which must not exist) and writes the frame header.
    /// - Parameter level: 0 is LZ4's fast default; 3…12 select the slower high-compression mode.
    public init(path: String, level: Int32 = 0) throws {
        self.path = path
        var ctx: OpaquePointer?
        let rc = LZ4F_createCompressionContext(&ctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(rc) == 0, let ctx else { throw ArchiveError.io(file: path, reason: "LZ4 create context failed: \(lz4ErrorName(rc))") }
        cctx = ctx
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.blockSizeID = LZ4F_max1MB
        prefs.frameInfo.blockMode = LZ4F_blockLinked
        prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
        prefs.compressionLevel = level
        preferences = prefs
        output = [UInt8](repeating: 0, count: LZ4F_compressBound(Self.chunkSize, &prefs) + 64)
        input.reserveCapacity(Self.chunkSize + 64 * 1024)
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            // Every property is set, so deinit runs and frees the context.
            let e = errno
            throw ArchiveError.io(file: path, reason: "cannot create: \(String(cString: strerror(e)))")
        }
        let n = output.withUnsafeMutableBytes { dst in LZ4F_compressBegin(cctx, dst.baseAddress, dst.count, &preferences) }
        guard LZ4F_isError(n) == 0 else { throw ArchiveError.io(file: path, reason: "LZ4 compressBegin failed: \(lz4ErrorName(n))") }
        try emit(n)
    }

    deinit {
        LZ4F_freeCompressionContext(cctx)
        if !finished { close(fd) }
    }

    /// Appends bytes to the frame.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        input.append(contentsOf: bytes)
        if input.count >= Self.chunkSize { try compressPending() }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the frame (checksums and end mark), syncs the file to disk and closes it.
    public func finish() throws -> Summary {
        precondition(!finished, "finish() called twice")
        try compressPending()
        let n = output.withUnsafeMutableBytes { dst in LZ4F_compressEnd(cctx, dst.baseAddress, dst.count, nil) }
        guard LZ4F_isError(n) == 0 else { throw ArchiveError.io(file: path, reason: "LZ4 compressEnd failed: \(lz4ErrorName(n))") }
        try emit(n)
        finished = true
        // An archive is only worth its manifest if the bytes the manifest describes survive a crash.
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard synced, closed else { throw ArchiveError.io(file: path, reason: "cannot sync/close: \(String(cString: strerror(errno)))") }
        let digest = hasher.finalize()
        return Summary(uncompressedBytes: uncompressedBytes, compressedBytes: compressedBytes, sha256: AuditChain.hex(Array(digest)))
    }

    private func compressPending() throws {
        guard !input.isEmpty else { return }
        var offset = 0
        while offset < input.count {
            let take = min(Self.chunkSize, input.count - offset)
            let n = input.withUnsafeBytes { src in
                output.withUnsafeMutableBytes { dst in
                    LZ4F_compressUpdate(cctx, dst.baseAddress, dst.count, src.baseAddress! + offset, take, nil)
                }
            }
            guard LZ4F_isError(n) == 0 else { throw ArchiveError.io(file: path, reason: "LZ4 compressUpdate failed: \(lz4ErrorName(n))") }
            try emit(n)
            offset += take
        }
        uncompressedBytes += Int64(input.count)
        input.removeAll(keepingCapacity: true)
    }

    /// Writes the first `count` bytes of the output buffer to the file and the running hash.
    private func emit(_ count: Int) throws {
        guard count > 0 else { return }
        try output.withUnsafeBytes { buf in
            let bytes = UnsafeRawBufferPointer(rebasing: buf[0..<count])
            hasher.update(bufferPointer: bytes)
            var done = 0
            while done < count {
                let w = Glibc.write(fd, bytes.baseAddress! + done, count - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.io(file: path, reason: "write failed: \(String(cString: strerror(errno)))")
                }
                done += w
            }
        }
        compressedBytes += Int64(count)
    }
}

/// liblz4's own name for an error code (e.g. `ERROR_contentChecksum_invalid`).
func lz4ErrorName(_ code: Int) -> String { String(cString: LZ4F_getErrorName(code)) }
