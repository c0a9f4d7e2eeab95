import Foundation
import Logging
import MCP
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Newline-delimited JSON-RPC on stdin/stdout, in place of the SDK's `StdioTransport`, which a hostile
/// client could stall or confuse:
/// - its line splitting rescans the whole pending buffer on every 4 KiB read (quadratic: a 5 MB line
///   took the server down), and it has no size limit. Here each byte is scanned once, and a line over
///   `maxMessageBytes` is dropped as it streams in and answered `-32600`;
/// - the SDK answers an unparseable line with a *random* id, and takes a request whose `id` is an
///   object, array or boolean for a notification (no answer at all). Here every line is checked
///   first: not JSON → `-32700` with id null; not a JSON-RPC 2.0 message (version, id type, method
///   type, params type) → `-32600` with its id when that is valid, else null. Only well-formed
///   messages reach the SDK, which answers unknown methods, bad params and tool errors itself.
/// Screening errors are written before the next line is read, so they come out in order.
public actor GuardedStdioTransport: Transport {
    public nonisolated let logger: Logger
    /// Claude's requests are small; 1 MiB leaves room for any real tool call.
    public static let maxMessageBytes = 1 << 20

    private let input: Int32
    private let writer: LineWriter
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var started = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger) {
        self.input = input
        self.writer = LineWriter(fd: output)
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let reader = LineReader(fd: input, limit: Self.maxMessageBytes, writer: writer, continuation: continuation, logger: logger)
        // Blocking reads on a thread of their own, never on the concurrency pool.
        let thread = Thread { reader.run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func disconnect() async { continuation.finish() }

    public func send(_ data: Data) async throws { try writer.write(data) }

    public func receive() -> AsyncThrowingStream<Data, any Error> { stream }
}

/// Writes whole lines to a file descriptor; one line at a time, whoever writes (the SDK's answers
/// and the screening errors).
final class LineWriter: Sendable {
    let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    func write(_ message: Data) throws {
        var line = message
        line.append(0x0A)
        try lock.withLock { _ in
            try line.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n > 0 {
                        offset += n
                    } else if n < 0 && (errno == EINTR || errno == EAGAIN) {
                        usleep(1000)
                    } else {
                        throw MCPError.transportError(NSError(domain: NSPOSIXErrorDomain, code: Int(errno)))
                    }
                }
            }
        }
    }
}

/// Splits stdin into lines, screens each, and passes the well-formed ones on.
final class LineReader: @unchecked Sendable {
    let fd: Int32
    let limit: Int
    let writer: LineWriter
    let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    let logger: Logger

    init(fd: Int32, limit: Int, writer: LineWriter, continuation: AsyncThrowingStream<Data, any Error>.Continuation, logger: Logger) {
        self.fd = fd
        self.limit = limit
        self.writer = writer
        self.continuation = continuation
        self.logger = logger
    }

    func run() {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var pending = Data()
        var discarding = false
        loop: while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    usleep(10_000)
                    continue
                }
                logger.error("stdin read failed", metadata: ["errno": "\(errno)"])
                break loop
            }
            if n == 0 { break loop }
            var start = 0
            while start < n {
                guard let newline = chunk[start..<n].firstIndex(of: 0x0A) else {
                    if !discarding {
                        pending.append(contentsOf: chunk[start..<n])
                        if pending.count > limit {
                            discarding = true
                            pending = Data()
                        }
                    }
                    break
                }
                if discarding {
                    discarding = false
                    reject(.tooLarge(limit))
                } else {
                    pending.append(contentsOf: chunk[start..<newline])
                    if pending.count > limit { reject(.tooLarge(limit)) } else { handle(pending) }
                    pending = Data()
                }
                start = newline + 1
            }
        }
        continuation.finish()
    }

    func handle(_ line: Data) {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { return }
        switch JSONRPCScreen.check(line) {
        case .forward: continuation.yield(line)
        case .reject(let problem): reject(problem)
        }
    }

    func reject(_ problem: JSONRPCScreen.Problem) {
        logger.notice("refused a malformed JSON-RPC message", metadata: ["reason": "\(problem.message)"])
        do { try writer.write(problem.response) } catch { logger.error("could not answer a malformed message", metadata: ["error": "\(error)"]) }
    }
}

/// The JSON-RPC 2.0 checks of one incoming line.
enum JSONRPCScreen {
    enum Verdict { case forward, reject(Problem) }

    struct Problem {
        var code: Int
        var message: String
        var id: Value

        static func tooLarge(_ limit: Int) -> Problem {
            Problem(code: -32600, message: "Invalid Request: the message is larger than \(limit) bytes", id: .null)
        }

        var response: Data {
            let object: Value = .object(["jsonrpc": "2.0", "id": id, "error": .object(["code": .int(code), "message": .string(message)])])
            return (try? JSONEncoder().encode(object)) ?? Data(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}"#.utf8)
        }
    }

    static func check(_ line: Data) -> Verdict {
        // JSONDecoder refuses nesting deeper than 512 levels, so a deep document is a parse error,
        // not a stack overflow.
        guard let value = try? JSONDecoder().decode(Value.self, from: line) else {
            return .reject(Problem(code: -32700, message: "Parse error: the line is not valid JSON", id: .null))
        }
        if case .array(let items) = value {
            guard !items.isEmpty else { return .reject(Problem(code: -32600, message: "Invalid Request: an empty batch", id: .null)) }
            for item in items {
                if let problem = problem(item) {
                    return .reject(Problem(code: -32600, message: "Invalid Request in a batch: \(problem.message)", id: .null))
                }
            }
            return .forward
        }
        return problem(value).map { .reject($0) } ?? .forward
    }

    /// What is wrong with one message, if anything.
    static func problem(_ value: Value) -> Problem? {
        guard case .object(let o) = value else {
            return Problem(code: -32600, message: "Invalid Request: a message is a JSON object", id: .null)
        }
        let id = o["id"]
        let validID: Bool
        switch id {
        case nil, .null?, .string?, .int?: validID = true
        default: validID = false
        }
        let echo = validID ? (id ?? .null) : .null
        func invalid(_ why: String) -> Problem { Problem(code: -32600, message: "Invalid Request: \(why)", id: echo) }
        guard o["jsonrpc"] == .string("2.0") else { return invalid("\"jsonrpc\" must be \"2.0\"") }
        guard validID else { return invalid("\"id\" must be a string, an integer or null") }
        if let method = o["method"] {
            guard case .string = method else { return invalid("\"method\" must be a string") }
            switch o["params"] {
            case nil, .object?, .array?: return nil
            default: return invalid("\"params\" must be an object or an array")
            }
        }
        if id != nil && (o["result"] != nil || o["error"] != nil) { return nil }
        return invalid("a request needs a \"method\"")
    }
}
