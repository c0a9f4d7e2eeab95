import Domain
import Foundation
import RateLimiting

/// Alpaca's trading REST API (paper or live, docs/alpaca.md) behind the `Broker` port.
///
/// ```swift
/// if let config = try AlpacaTradingConfiguration.read(configuration.reader) {
///     let broker = AlpacaBroker(configuration: config)
///     broker.health   // circuit state and counters, for the watchdog and /health
/// }
/// ```
///
/// Idempotency and unknown outcomes (docs/operations.md §The trading workflow):
/// - `client_order_id` is sent with every order. A 422 "client_order_id must be unique" means the
///   order exists: it is fetched and returned as `.alreadyExists`.
/// - A timeout or a dropped connection after a POST, PATCH or DELETE throws `.outcomeUnknown`; the
///   caller records that and resolves it with `order(clientOrderID:)`. Nothing is resent blindly.
/// - A 5xx on submit is resolved here: the client order id is looked up; if the order exists it is
///   returned, if the broker says it does not, the submit is sent again (safe: the id is the
///   idempotency key, so a second send can only create the order once); if the lookup fails too,
///   `.outcomeUnknown`.
/// - An exit (any non-opening purpose) is first looked up by its id (a retry returns its order) and
///   checked against the broker's position (`OrderIntent.exitRefusal`), so it can never open a
///   position the other way. That costs two reads per exit.
public final class AlpacaBroker: Broker {
    public let configuration: AlpacaTradingConfiguration
    let requester: AlpacaRequester
    private let breaker: CircuitBreaker

    /// `transport` defaults to URLSession; `clock` drives the circuit breaker's cool-down, the rate
    /// limiter's window and `AccountSnapshot.asOf`.
    public init(
        configuration: AlpacaTradingConfiguration, transport: (any AlpacaTransport)? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        breaker = CircuitBreaker(threshold: configuration.circuitFailureThreshold, coolDown: configuration.circuitCoolDown, clock: clock)
        requester = AlpacaRequester(
            configuration: configuration, transport: transport ?? URLSessionAlpacaTransport(configuration: configuration), breaker: breaker,
            limiter: RequestRateLimiter(limit: configuration.requestsPerMinute, clock: clock), clock: clock)
    }

    public var mode: BrokerMode { configuration.mode }

    /// The circuit breaker's state and the request counters.
    public var health: BrokerHealth { breaker.health }

    // MARK: Orders

    public func submit(_ requested: OrderIntent) async throws(BrokerError) -> BrokerSubmitOutcome {
        // The last guard against sub-penny prices (95 % of the old system's rejections): a no-op for
        // an approved intent, whose prices are already on ticks.
        let intent = requested.roundedToTicks()
        guard let clientID = intent.clientOrderID else { throw .rejected(status: 422, message: "not sent: client_order_id is required") }
        let violations = intent.violations()
        guard violations.isEmpty else {
            throw .rejected(status: 422, message: "not sent: invalid order: " + violations.map { "\($0)" }.joined(separator: ", "))
        }
        if !intent.purpose.isOpening {
            // An exit is checked against the broker's position first (see `exitRefusal`); a retry of an
            // exit that already went through must still find its order, so look the id up before that.
            if let existing = try await order(clientOrderID: clientID) {
                return try await self.existing(clientID, for: intent, message: "client_order_id must be unique", known: existing)
            }
            let held = try await position(intent.symbol)?.quantity ?? .zero
            if let why = intent.exitRefusal(brokerPosition: held) { throw .rejected(status: 422, message: why) }
        }
        let body = AlpacaWire.orderBody(intent)
        var sends = 0
        while true {
            sends += 1
            switch try await requester.change("POST", "/v2/orders", body: body) {
            case .answered(let r) where (200..<300).contains(r.status):
                do {
                    return .created(try AlpacaWire.decode(WireOrder.self, r.body, "POST /v2/orders").order(raw: r.text))
                } catch {
                    // Accepted, but the answer is unreadable: find the order by its id instead.
                    guard let order = try? await order(clientOrderID: clientID) else {
                        throw .outcomeUnknown("POST /v2/orders answered \(r.status) with an unreadable order (\(error)); look up \(clientID)")
                    }
                    return .created(order)
                }
            case .answered(let r) where r.status == 422 && AlpacaRequester.message(r).contains("client_order_id must be unique"):
                return try await existing(clientID, for: intent, message: AlpacaRequester.message(r))
            case .answered(let r):
                throw refusal(r)
            case .serverError(let why):
                // The broker failed; whether it created the order is answerable by the id.
                let found: BrokerOrder?
                do { found = try await order(clientOrderID: clientID) } catch {
                    throw .outcomeUnknown("\(why); lookup of \(clientID) failed: \(error)")
                }
                if let found { return .created(found) }
                guard sends <= configuration.maxRetries else { throw .unavailable("\(why); \(clientID) was not created") }
                try await pause(requester.backoff(sends))
            case .noAnswer(let why):
                throw .outcomeUnknown("\(why); resolve by looking up client_order_id \(clientID)")
            }
        }
    }

    /// The order that already holds `clientID`. It must be the same order (symbol, side, quantity):
    /// a different one means our ids collided, which must not pass as a successful retry.
    private func existing(
        _ clientID: ClientOrderID, for intent: OrderIntent, message: String, known: BrokerOrder? = nil
    ) async throws(BrokerError) -> BrokerSubmitOutcome {
        let found: BrokerOrder?
        if let known { found = known } else { found = try await order(clientOrderID: clientID) }
        guard let order = found else { throw .rejected(status: 422, message: message) }
        guard order.symbol == intent.symbol, order.side == intent.side, order.quantity == intent.quantity || order.status == .replaced else {
            throw .rejected(
                status: 422,
                message: "\(message): \(clientID) is order \(order.id), \(order.side.rawValue) \(order.quantity) \(order.symbol), not this intent")
        }
        return .alreadyExists(order)
    }

    public func cancel(_ id: BrokerOrderID) async throws(BrokerError) {
        switch try await requester.change("DELETE", "/v2/orders/" + AlpacaRequester.escape(id.rawValue)) {
        case .answered(let r) where (200..<300).contains(r.status): return
        case .answered(let r): throw refusal(r)
        case .serverError(let why), .noAnswer(let why):
            throw .outcomeUnknown("\(why); read order \(id) to learn whether the cancel was accepted")
        }
    }

    public func replace(_ id: BrokerOrderID, with change: BrokerReplace) async throws(BrokerError) -> BrokerOrder {
        // Limits are rounded in our favour, which needs the order's side: read it first.
        guard let current = try await order(id: id) else { throw .rejected(status: 404, message: "order \(id) not found") }
        let body = AlpacaWire.replaceBody(change.roundedToTicks(side: current.side))
        let path = "/v2/orders/" + AlpacaRequester.escape(id.rawValue)
        switch try await requester.change("PATCH", path, body: body) {
        case .answered(let r) where (200..<300).contains(r.status):
            do { return try AlpacaWire.decode(WireOrder.self, r.body, "PATCH \(path)").order(raw: r.text) } catch {
                throw .outcomeUnknown("PATCH \(path) answered with an unreadable order (\(error)); read order \(id) for replaced_by")
            }
        case .answered(let r): throw refusal(r)
        case .serverError(let why), .noAnswer(let why): throw .outcomeUnknown("\(why); read order \(id) for replaced_by")
        }
    }

    public func order(id: BrokerOrderID) async throws(BrokerError) -> BrokerOrder? {
        try await single("/v2/orders/" + AlpacaRequester.escape(id.rawValue), query: [("nested", "true")])
    }

    /// For a replaced order Alpaca returns the original (status `replaced`, `replaced_by` set).
    public func order(clientOrderID: ClientOrderID) async throws(BrokerError) -> BrokerOrder? {
        try await single("/v2/orders:by_client_order_id", query: [("client_order_id", clientOrderID.rawValue), ("nested", "true")])
    }

    private func single(_ path: String, query: [(String, String)]) async throws(BrokerError) -> BrokerOrder? {
        let r = try await requester.read(path, query: query)
        if r.status == 404 { return nil }
        guard (200..<300).contains(r.status) else { throw refusal(r) }
        return try AlpacaWire.decode(WireOrder.self, r.body, "GET \(path)").order(raw: r.text)
    }

    /// Every open order, legs as orders of their own (`nested=false`), oldest first. Pages by
    /// submission time when there are more than Alpaca's 500 per request.
    public func openOrders() async throws(BrokerError) -> [BrokerOrder] {
        var all: [BrokerOrder] = []
        var seen: Set<BrokerOrderID> = []
        var after: Date?
        while true {
            var query = [("status", "open"), ("limit", "500"), ("direction", "asc"), ("nested", "false")]
            // `after` is exclusive: step back a millisecond and drop what was already seen.
            if let after { query.append(("after", RFC3339.format(after.addingTimeInterval(-0.001)))) }
            let r = try await requester.read("/v2/orders", query: query)
            guard (200..<300).contains(r.status) else { throw refusal(r) }
            let wire = try AlpacaWire.decode([WireOrder].self, r.body, "GET /v2/orders")
            let raws = AlpacaWire.rawElements(r.body)
            var added = 0
            for (k, w) in wire.enumerated() {
                let o = try w.order(raw: raws?[k])
                if seen.insert(o.id).inserted {
                    all.append(o)
                    added += 1
                }
            }
            guard wire.count >= 500, added > 0, let last = all.last?.submittedAt ?? all.last?.createdAt else { return all }
            after = last
        }
    }

    // MARK: Positions, account, fills

    public func positions() async throws(BrokerError) -> [BrokerPosition] {
        let r = try await requester.read("/v2/positions")
        guard (200..<300).contains(r.status) else { throw refusal(r) }
        let wire = try AlpacaWire.decode([WirePosition].self, r.body, "GET /v2/positions")
        let raws = AlpacaWire.rawElements(r.body)
        var out: [BrokerPosition] = []
        for (k, w) in wire.enumerated() { out.append(try w.position(raw: raws?[k])) }
        return out
    }

    /// One position; nil when flat (Alpaca answers 404).
    public func position(_ symbol: Symbol) async throws(BrokerError) -> BrokerPosition? {
        let path = "/v2/positions/" + AlpacaRequester.escape(symbol.rawValue)
        let r = try await requester.read(path)
        if r.status == 404 { return nil }
        guard (200..<300).contains(r.status) else { throw refusal(r) }
        return try AlpacaWire.decode(WirePosition.self, r.body, "GET \(path)").position(raw: r.text)
    }

    public func account() async throws(BrokerError) -> AccountSnapshot {
        let r = try await requester.read("/v2/account")
        guard (200..<300).contains(r.status) else { throw refusal(r) }
        let a = try AlpacaWire.decode(WireAccount.self, r.body, "GET /v2/account")
        return AccountSnapshot(equity: a.equity, buyingPower: a.buyingPower, lastEquity: a.lastEquity, asOf: requester.clock())
    }

    /// `GET /v2/account/activities/FILL`, ascending, `page_token` = the last activity id returned.
    /// Asks for pages of up to `activitiesPageSize` until `limit` fills or a short page.
    public func fills(since: Date, after cursor: String?, limit: Int) async throws(BrokerError) -> BrokerFillPage {
        var out: [BrokerFill] = []
        var token = cursor
        while out.count < limit {
            let size = min(configuration.activitiesPageSize, limit - out.count)
            // Alpaca's `after` is exclusive: ask from a second earlier and keep what is at or after `since`.
            var query = [("after", RFC3339.format(since.addingTimeInterval(-1))), ("direction", "asc"), ("page_size", String(size))]
            if let token { query.append(("page_token", token)) }
            let r = try await requester.read("/v2/account/activities/FILL", query: query)
            guard (200..<300).contains(r.status) else { throw refusal(r) }
            let page = try AlpacaWire.decode([WireFillActivity].self, r.body, "GET /v2/account/activities/FILL")
            for activity in page {
                let fill = try activity.fill()
                if fill.transactionTime >= since { out.append(fill) }
            }
            if let last = page.last { token = last.id }
            if page.count < size { break }
        }
        return BrokerFillPage(fills: Self.orderedByCumulativeQuantity(out), cursor: out.isEmpty ? nil : token)
    }

    /// Partial fills of one order in the same millisecond can be listed out of order
    /// (docs/alpaca.md §Account activities): within each (order, time) group, put the executions in
    /// cumulative-quantity order, in the slots the group occupied; everything else keeps the broker's order.
    static func orderedByCumulativeQuantity(_ fills: [BrokerFill]) -> [BrokerFill] {
        struct Key: Hashable {
            var order: BrokerOrderID
            var time: Date
        }
        var slots: [Key: [Int]] = [:]
        for (i, f) in fills.enumerated() { slots[Key(order: f.brokerOrderID, time: f.transactionTime), default: []].append(i) }
        var out = fills
        for (_, group) in slots where group.count > 1 {
            let sorted = group.map { fills[$0] }.sorted { $0.cumulativeQuantity < $1.cumulativeQuantity }
            for (slot, fill) in zip(group, sorted) { out[slot] = fill }
        }
        return out
    }

    // MARK: Errors

    /// A definitive refusal (any answer below 500 that is not a success).
    func refusal(_ r: AlpacaHTTPResponse) -> BrokerError {
        let message = AlpacaRequester.message(r)
        switch r.status {
        case 401: return .unauthorized(message)
        case 429: return .rateLimited(retryAfterSeconds: AlpacaRequester.retryAfter(r, now: requester.clock()))
        default: return .rejected(status: r.status, message: message)
        }
    }

    private func pause(_ seconds: TimeInterval) async throws(BrokerError) {
        do { try await Task.sleep(for: .seconds(seconds)) } catch { throw .outcomeUnknown("cancelled while resolving a submit") }
    }
}
