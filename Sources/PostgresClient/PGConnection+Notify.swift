import CLibPQ
import Glibc

/// An asynchronous notification delivered by `LISTEN`.
public struct PGNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public var senderPID: Int32
}

extension PGConnection {
    /// Subscribes this session to a channel. The name comes from code and is quoted as an identifier.
    public func listen(_ channel: String) throws(PGError) {
        try execute("LISTEN \(quoteIdentifier(channel))")
    }

    public func unlisten(_ channel: String) throws(PGError) {
        try execute("UNLISTEN \(quoteIdentifier(channel))")
    }

    /// Sends a notification. Channel and payload are bound values, never pasted into SQL.
    public func notify(_ channel: String, payload: String = "") throws(PGError) {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Waits up to `timeoutMilliseconds` for notifications and returns all that arrived (possibly none).
    public func waitForNotifications(timeoutMilliseconds: Int32) throws(PGError) -> [PGNotification] {
        var out = drainNotifications()
        if !out.isEmpty { return out }
        var pfd = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let rc = poll(&pfd, 1, timeoutMilliseconds)
        if rc > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PGError(.connection, message: String(cString: PQerrorMessage(handle)))
            }
            out = drainNotifications()
        }
        if PQstatus(handle) == CONNECTION_BAD { throw PGError(.connection, message: "connection lost while listening") }
        return out
    }

    private func drainNotifications() -> [PGNotification] {
        var out: [PGNotification] = []
        while let n = PQnotifies(handle) {
            out.append(
                PGNotification(
                    channel: String(cString: n.pointee.relname), payload: String(cString: n.pointee.extra), senderPID: n.pointee.be_pid))
            PQfreemem(n)
        }
        return out
    }
}
