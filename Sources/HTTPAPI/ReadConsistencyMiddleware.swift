import Foundation
import Hummingbird
import Projections

/// Read-your-writes when the GET routes read a hot standby (`catalyst.read.url`):
/// - a command's 2xx answer carries `Catalyst-Commit-LSN`, the primary's WAL position once the command
///   and the projections it waited for are written;
/// - a read that sends it back as `Catalyst-Min-LSN` is answered by the standby once it has replayed that
///   far, or by the primary after a short bound (`ViewReader(primary:standby:wait:)`);
/// - every answer that read a view says where in `Catalyst-Read-From` (`standby` or `primary`).
/// A malformed `Catalyst-Min-LSN` is a 422 naming the header. Without a standby, reads are on the primary
/// and the headers are left out.
struct ReadConsistencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let backend: APIBackend

    static var minimum: HTTPFields.Element.Name { HTTPFields.Element.Name("Catalyst-Min-LSN")! }
    static var commit: HTTPFields.Element.Name { HTTPFields.Element.Name("Catalyst-Commit-LSN")! }
    static var servedFrom: HTTPFields.Element.Name { HTTPFields.Element.Name("Catalyst-Read-From")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard backend.reads.readsStandby else { return try await next(request, context) }
        let wanted = request.headers[Self.minimum]?.trimmingCharacters(in: .whitespaces)
        if let wanted, !ReadConsistency.isLSN(wanted) {
            throw APIError.invalid(field: "Catalyst-Min-LSN", reason: "must be a WAL position as Catalyst-Commit-LSN gives it (e.g. 0/3000148)")
        }
        let source = ReadSource()
        var response = try await ReadConsistency.$minimumLSN.withValue(wanted) {
            try await ReadConsistency.$servedBy.withValue(source) { try await next(request, context) }
        }
        if let server = source.server { response.headers[Self.servedFrom] = server.rawValue }
        if request.method != .get, request.method != .head, (200..<300).contains(response.status.code), let lsn = try? await backend.commitLSN() {
            response.headers[Self.commit] = lsn
        }
        return response
    }
}
