import CLibPQ
import Foundation

/// One libpq connection. Blocking and deliberately not `Sendable`: the compiler keeps it on one isolation
/// domain, and `PGSession` confines it to a dedicated thread.
///
/// Every statement with values goes through `query(_:_:)` or `prepared(_:_:_:)`, which bind parameters
/// separately from the SQL text. `execute(_:)` takes SQL only and exists for static, code-owned scripts
/// such as migrations.
public final class PGConnection {
    let handle: OpaquePointer
    private var preparedNames: Set<String> = []
    /// Prepared on the server but planned for columns that changed type: deallocated before the next use.
    private var stalePrepared: Set<String> = []
    public private(set) var inTransaction = false

    /// Connects with a libpq connection string or `postgresql://` URL.
    /// The session time zone is set to UTC so timestamps round-trip exactly.
    public init(conninfo: String) throws(PGError) {
        try PGConnectionString.validate(conninfo)
        guard let conn = PQconnectdb(conninfo) else {
            throw PGError(.connection, message: "out of memory while connecting")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(conn)
            throw PGError(.connection, message: PGConnectionString.redact(message))
        }
        self.handle = conn
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        _ = try execute("SET TIME ZONE 'UTC'")
    }

    deinit { PQfinish(handle) }

    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// How many hosts the connection string named (libpq keeps the whole list, whichever one it reached).
    public var hostCount: Int {
        guard let options = PQconninfo(handle) else { return 1 }
        defer { PQconninfoFree(options) }
        return PGConnectionString.hostCount(options)
    }

    /// The server's process id for this session (useful for `pg_terminate_backend` in fault drills).
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// Runs static SQL (possibly several statements) without parameters.
    @discardableResult
    public func execute(_ sql: String) throws(PGError) -> PGResult {
        try check(PQexec(handle, sql))
    }

    /// Runs one statement with bound parameters (`$1`, `$2`, …) in text format; with `binaryResults`, the
    /// rows come back in binary format (see `prepared`).
    @discardableResult
    public func query(_ sql: String, _ params: [any PGBindable] = [], binaryResults: Bool = false) throws(PGError) -> PGResult {
        let values = params.map(\.pgValue)
        let result = withCParameters(values) { ptrs in
            PQexecParams(handle, sql, Int32(values.count), nil, ptrs, nil, nil, binaryResults ? 1 : 0)
        }
        return try check(result)
    }

    /// Runs a named prepared statement, preparing it on first use on this connection. With `binaryResults`
    /// every column comes back in PostgreSQL's binary format (read it with `PGResult`'s `binary…` accessors):
    /// the server skips its text output functions (a timestamp, a uuid, an xid8), the client their parsers.
    ///
    /// A statement whose result columns changed type under it (a migration altered a column it returns:
    /// 0A000, "cached plan must not change result type") is prepared again: at once when no transaction is
    /// open, else on its next use (the open transaction is aborted either way).
    @discardableResult
    public func prepared(_ name: String, _ sql: String, _ params: [any PGBindable] = [], binaryResults: Bool = false) throws(PGError) -> PGResult {
        let values = params.map(\.pgValue)
        func run() throws(PGError) -> PGResult {
            try prepareIfNeeded(name, sql)
            let result = withCParameters(values) { ptrs in
                PQexecPrepared(handle, name, Int32(values.count), ptrs, nil, nil, binaryResults ? 1 : 0)
            }
            return try check(result)
        }
        do {
            return try run()
        } catch where error.sqlState == "0A000" {
            preparedNames.remove(name)
            stalePrepared.insert(name)
            guard !inTransaction else { throw error }
            return try run()
        }
    }

    func prepareIfNeeded(_ name: String, _ sql: String) throws(PGError) {
        guard !preparedNames.contains(name) else { return }
        if stalePrepared.contains(name) {
            try execute("DEALLOCATE \(quoteIdentifier(name))")
            stalePrepared.remove(name)
        }
        try check(PQprepare(handle, name, sql, 0, nil))
        preparedNames.insert(name)
    }

    /// Runs `body` inside BEGIN … COMMIT; rolls back if it throws. Nested calls join the outer transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try execute("BEGIN")
        inTransaction = true
        do {
            let value = try body()
            inTransaction = false
            try execute("COMMIT")
            return value
        } catch {
            inTransaction = false
            if isHealthy { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Quotes an identifier that comes from code (a schema or table name), never from input.
    public func quoteIdentifier(_ name: String) -> String {
        guard let p = PQescapeIdentifier(handle, name, name.utf8.count) else { return "\"\"" }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    @discardableResult
    func check(_ result: OpaquePointer?) throws(PGError) -> PGResult {
        guard let result else {
            throw PGError(.connection, message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_PIPELINE_SYNC:
            return PGResult(result)
        default:
            let error = PGError.from(result: result, connection: handle)
            PQclear(result)
            throw error
        }
    }
}

/// Passes values to libpq as NUL-terminated C strings that live for the duration of `body`.
func withCParameters<R>(_ values: [PGValue], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var owned: [UnsafeMutablePointer<CChar>] = []
    owned.reserveCapacity(values.count)
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(values.count)
    for value in values {
        switch value {
        case .null:
            pointers.append(nil)
        case .text(let s):
            var copy = s
            let p = copy.withUTF8 { buf -> UnsafeMutablePointer<CChar> in
                let p = UnsafeMutablePointer<CChar>.allocate(capacity: buf.count + 1)
                buf.withMemoryRebound(to: CChar.self) { p.initialize(from: $0.baseAddress!, count: buf.count) }
                p[buf.count] = 0
                return p
            }
            owned.append(p)
            pointers.append(UnsafePointer(p))
        case .bytes(let b):
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: b.count + 1)
            b.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { if let base = $0.baseAddress { p.initialize(from: base, count: b.count) } }
            }
            p[b.count] = 0
            owned.append(p)
            pointers.append(UnsafePointer(p))
        }
    }
    defer { for p in owned { p.deallocate() } }
    return body(pointers)
}
