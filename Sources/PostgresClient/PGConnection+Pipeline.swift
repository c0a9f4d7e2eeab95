import CLibPQ
import Glibc

/// One statement of a pipeline: SQL text (or a prepared statement name) and its bound parameters.
public struct PGStatement {
    public var sql: String
    public var params: [PGValue]
    /// When set, the statement is prepared once per connection under this name and executed by name.
    public var preparedName: String?

    public init(_ sql: String, _ params: [any PGBindable] = [], preparedName: String? = nil) {
        self.sql = sql
        self.params = params.map(\.pgValue)
        self.preparedName = preparedName
    }
}

extension PGConnection {
    /// Sends every statement without waiting for the previous result (libpq pipeline mode), then reads all
    /// results: one round trip for the whole list. If one statement fails, the later ones are not run and
    /// the first error is thrown. Run it inside `transaction` to make the list atomic.
    @discardableResult
    public func pipeline(_ statements: [PGStatement]) throws(PGError) -> [PGResult] {
        guard !statements.isEmpty else { return [] }
        for s in statements { if let name = s.preparedName { try prepareIfNeeded(name, s.sql) } }
        guard PQenterPipelineMode(handle) == 1 else {
            throw PGError(.usage, message: "cannot enter pipeline mode: \(String(cString: PQerrorMessage(handle)))")
        }
        PQsetnonblocking(handle, 1)
        defer {
            PQsetnonblocking(handle, 0)
            PQexitPipelineMode(handle)
        }
        for s in statements {
            let ok = withCParameters(s.params) { ptrs -> Int32 in
                if let name = s.preparedName {
                    return PQsendQueryPrepared(handle, name, Int32(s.params.count), ptrs, nil, nil, 0)
                }
                return PQsendQueryParams(handle, s.sql, Int32(s.params.count), nil, ptrs, nil, nil, 0)
            }
            guard ok == 1 else { throw PGError(.protocolViolation, message: String(cString: PQerrorMessage(handle))) }
        }
        guard PQpipelineSync(handle) == 1 else { throw PGError(.protocolViolation, message: String(cString: PQerrorMessage(handle))) }
        try flushNonBlocking()

        var results: [PGResult] = []
        results.reserveCapacity(statements.count)
        var firstError: PGError?
        var synced = false
        while !synced {
            guard let r = PQgetResult(handle) else {
                // NULL separates the results of each statement; on a dead connection it is all we get.
                if PQstatus(handle) == CONNECTION_BAD { throw PGError(.connection, message: "connection lost in pipeline") }
                continue
            }
            switch PQresultStatus(r) {
            case PGRES_PIPELINE_SYNC:
                PQclear(r)
                synced = true
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(PGResult(r))
            case PGRES_PIPELINE_ABORTED:
                PQclear(r)
            default:
                if firstError == nil { firstError = PGError.from(result: r, connection: handle) }
                PQclear(r)
                if PQstatus(handle) == CONNECTION_BAD { synced = true }
            }
        }
        if let firstError { throw firstError }
        return results
    }

    /// Flushes the output buffer, reading input meanwhile so the server never blocks on a full socket.
    private func flushNonBlocking() throws(PGError) {
        while true {
            let rc = PQflush(handle)
            if rc == 0 { return }
            if rc < 0 { throw PGError(.connection, message: String(cString: PQerrorMessage(handle))) }
            var pfd = pollfd(fd: PQsocket(handle), events: Int16(POLLIN | POLLOUT), revents: 0)
            _ = poll(&pfd, 1, 1000)
            if pfd.revents & Int16(POLLIN) != 0 {
                guard PQconsumeInput(handle) == 1 else { throw PGError(.connection, message: String(cString: PQerrorMessage(handle))) }
            }
        }
    }
}
