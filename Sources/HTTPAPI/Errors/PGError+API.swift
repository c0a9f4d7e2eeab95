import PostgresClient

/// A database that cannot take the request now is a 503 with its SQLSTATE (see `DatabaseRefusal`);
/// any other database error is unexpected (500).
extension PGError: APIErrorConvertible {
    var apiError: APIError? {
        guard let refusal = DatabaseRefusal(self) else { return nil }
        return APIError(
            .serviceUnavailable, code: "database_unavailable", message: refusal.message, details: ["sqlstate": .string(sqlState ?? ""), "retryable": true])
    }
}

/// A database that cannot take the request now, for reasons outside the request: its disk is full
/// (class 53, insufficient resources), it is read-only (25006, a failover or an operator), or the
/// connection is gone (class 08, shutdown). The caller gets 503 with the SQLSTATE, never a bare 500;
/// the transaction was rolled back, so nothing of the request was written.
struct DatabaseRefusal {
    let message: String

    init?(_ error: PGError) {
        let state = error.sqlState ?? ""
        if state == "53100" {
            message = "the database is out of disk space; nothing was written (SQLSTATE 53100)"
        } else if state.hasPrefix("53") {
            message = "the database is out of resources; nothing was written (SQLSTATE \(state))"
        } else if state == "25006" {
            message = "the database is read-only; nothing was written (SQLSTATE 25006)"
        } else if error.isConnectionLoss {
            message = "the database is unreachable; retry shortly" + (state.isEmpty ? "" : " (SQLSTATE \(state))")
        } else {
            return nil
        }
    }
}
