import Foundation
import Hummingbird
import Logging
import LocalServer
import Synchronization

/// A group of routes of the fake (market data, clock and calendar, assets; trading later), each over
/// its own state. Adding the trading endpoints means adding a group and its state, not editing these.
public protocol FakeAlpacaRouteGroup: Sendable {
    func register(on router: Router<BasicRequestContext>)
}

/// The fake Alpaca server: Hummingbird 2 on 127.0.0.1, authenticated like Alpaca
/// (`APCA-API-KEY-ID` / `APCA-API-SECRET-KEY`), with scripted faults.
///
/// ```swift
/// let state = FakeMarketDataState()
/// let server = FakeAlpacaServer(groups: FakeAlpacaServer.marketDataGroups(state))
/// try await server.withRunning { baseURL in
///     // point a client at baseURL (both the data and the trading host)
/// }
/// ```
public struct FakeAlpacaServer: Sendable {
    public static let testKeyID = "PKTEST0000000000"
    public static let testSecret = "fake-secret-key"

    public let keyID: String
    public let secretKey: String
    public let faults: FaultScript
    public let groups: [any FakeAlpacaRouteGroup]
    /// Every request received, as `METHOD /path?query`, for tests asserting what a client sent.
    public let requestLog = RequestLog()

    public init(keyID: String = testKeyID, secretKey: String = testSecret, faults: FaultScript = FaultScript(), groups: [any FakeAlpacaRouteGroup]) {
        self.keyID = keyID
        self.secretKey = secretKey
        self.faults = faults
        self.groups = groups
    }

    /// The market-data side: bars, snapshots, news, clock, calendar and assets over one state.
    public static func marketDataGroups(_ state: FakeMarketDataState) -> [any FakeAlpacaRouteGroup] {
        [MarketDataRoutes(state: state), ClockCalendarRoutes(state: state), AssetRoutes(state: state)]
    }

    /// The router with authentication, faults and every group's routes (also usable from a CLI role).
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: FakeAlpacaGate(keyID: keyID, secretKey: secretKey, faults: faults, log: requestLog))
        for g in groups { g.register(on: router) }
        return router
    }

    /// Runs the server on an ephemeral port of 127.0.0.1 for the duration of `body`, then stops it gracefully.
    public func withRunning<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let logger = Logger(label: "fake-alpaca")
        let router = buildRouter()
        return try await ScopedServer.run(logger: logger, notStarted: FakeAlpacaError.didNotStart) { onRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fake-alpaca"),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger)
        } _: { port in
            try await body(URL(string: "http://127.0.0.1:\(port)")!)
        }
    }
}

public enum FakeAlpacaError: Error, Sendable {
    case didNotStart
}

/// The request lines the server received, in order.
public final class RequestLog: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public var all: [String] { lines.withLock { $0 } }
    func record(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Authentication and scripted faults, before any route.
struct FakeAlpacaGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let keyID: String
    let secretKey: String
    let faults: FaultScript
    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let line = "\(request.method) \(request.uri.path)" + (request.uri.query.map { "?\($0)" } ?? "")
        log.record(line)
        guard request.headers[.init("APCA-API-KEY-ID")!] == keyID,
            request.headers[.init("APCA-API-SECRET-KEY")!] == secretKey
        else {
            return FakeResponse.error(status: 401, code: 40_110_000, message: "request is not authorized")
        }
        let path = request.uri.path
        let method = request.method.rawValue
        if let seconds = faults.takeDelay(for: path, method: method) { try await Task.sleep(for: .seconds(seconds)) }
        if let f = faults.take(for: path, method: method) {
            var r = FakeResponse.error(status: f.status, code: f.code, message: f.message)
            for (k, v) in f.headers { if let name = HTTPFields.Element.Name(k) { r.headers[name] = v } }
            return r
        }
        switch faults.takeConnectionFault(for: path, method: method) {
        case nil:
            return try await next(request, context)
        case .dropWithoutProcessing:
            return FakeResponse.truncated()
        case .dropMidBody:
            _ = try await next(request, context)
            return FakeResponse.truncated()
        case .failAfterProcessing(let status):
            _ = try await next(request, context)
            return FakeResponse.error(status: status, code: status * 100_000, message: "internal server error")
        case .answerLate(let seconds):
            let response = try await next(request, context)
            // The client has given up by now; if the server is stopping, answer at once.
            try? await Task.sleep(for: .seconds(seconds))
            return response
        }
    }
}

/// Response helpers shared by the route groups.
enum FakeResponse {
    static func json(_ value: JSONValue, status: Int = 200) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.serialized))
        )
    }

    /// A 200 that promises 4 KiB of JSON, sends a few bytes and then fails, which makes the server
    /// close the connection mid-body.
    static func truncated() -> Response {
        let promised = 4096
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=UTF-8", .contentLength: String(promised)],
            body: ResponseBody(contentLength: promised) { writer in
                try await writer.write(ByteBuffer(string: "{\"id\":\""))
                throw ConnectionDropped()
            })
    }

    struct ConnectionDropped: Error {}

    /// Alpaca's error body.
    static func error(status: Int, code: Int, message: String) -> Response {
        json(.object([("code", .number(String(code))), ("message", .string(message))]), status: status)
    }
}
