import Broker
import EventStore
import Foundation
import Hummingbird
import Projections

/// `/health`, `/metrics`, `/openapi.json` and the dashboard at `/`.
struct OpsRoutes {
    let backend: APIBackend

    func register(on router: GuardedRouter) {
        router.open("/health") { _, _ in
            let h = await health()
            return try JSONBody.response(h, status: h.status == "unhealthy" ? .serviceUnavailable : .ok)
        }
        router.get("/metrics", .readViews) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await metrics())))
        }
        router.open("/openapi.json") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
                throw APIError(.internalServerError, code: "missing_resource", message: "openapi.json is not bundled")
            }
            return JSONBody.raw(data)
        }
        router.open("/") { _, _ in
            guard let url = Bundle.module.url(forResource: "dashboard", withExtension: "html"), let page = try? String(contentsOf: url, encoding: .utf8)
            else { throw APIError(.internalServerError, code: "missing_resource", message: "dashboard.html is not bundled") }
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }

    struct Health: Encodable {
        var status: String
        var venue: String
        var database: String
        var ledgerTime: Date
        var tradingGate: String
        var projections: [ProjectionStatusRow]
        var lastCycleAgeSeconds: Double?
        /// The broker connection: circuit state and failure counters (the paper broker is always closed).
        var broker: BrokerHealth
        var problems: [String]
        /// The database server's replication: primary or standby, its standbys, synchronous or not.
        var replication: ReplicationReading?
        enum CodingKeys: String, CodingKey {
            case status, venue, database, projections, problems, broker, replication
            case ledgerTime = "ledger_time", tradingGate = "trading_gate", lastCycleAgeSeconds = "last_cycle_age_seconds"
        }
    }

    /// Healthy, degraded (a projection stopped, failed or lags > 1000 events; trading gate closed) or
    /// unhealthy (the database does not answer → 503). The database's part is at most one second old
    /// (`HealthProbe`); the gate, the broker and the clock are read now.
    func health() async -> Health {
        let now = backend.system.clock.now()
        let backend = self.backend
        let reading = await backend.healthProbe.current { await Self.readDatabase(backend) }
        var h = Health(
            status: "healthy", venue: backend.venue, database: "ok", ledgerTime: now,
            tradingGate: backend.system.gate.isOpen ? "open" : "closed: \(backend.system.gate.reason)", projections: reading.projections,
            broker: backend.system.broker.health, problems: [])
        if let error = reading.error {
            h.database = "error: \(error)"
            h.status = "unhealthy"
            h.problems.append("database unreachable")
            return h
        }
        // Transaction ids ahead of the cluster's stall every reader: the projections' "lag" would understate it.
        if let ids = reading.transactionIDs, !ids.holds {
            h.status = "unhealthy"
            h.problems.append("reader horizon stalled: " + TransactionIDCheck.Violation(reading: ids).description)
        }
        if let last = reading.lastCycleStartEpoch { h.lastCycleAgeSeconds = max(0, now.timeIntervalSince1970 - last) }
        h.replication = reading.replication
        if let r = reading.replication, r.writesUnprotected { h.problems.append("writes run without a synchronous standby (\(r.summary))") }
        for p in h.projections {
            if p.state == "error" || p.state == "stopped" || p.state == "not built" { h.problems.append("projection \(p.name) is \(p.state)") }
            if p.lagEvents > 1000 { h.problems.append("projection \(p.name) lags \(p.lagEvents) events") }
        }
        if !backend.system.gate.isOpen { h.problems.append("trading gate closed: \(backend.system.gate.reason)") }
        if h.broker.circuit != .closed { h.problems.append("broker circuit \(h.broker.circuit.rawValue): \(h.broker.lastFailure ?? "repeated failures")") }
        if !h.problems.isEmpty && h.status == "healthy" { h.status = "degraded" }
        return h
    }

    /// One reading of the database for `/health`, on one pooled connection.
    static func readDatabase(_ backend: APIBackend) async -> HealthProbe.Reading {
        let names = backend.projections
        do {
            let (projections, ids, replication) = try await backend.pool.withConnection { c in
                (try ProjectionStatusReport.load(names: names, on: c), try TransactionIDCheck().read(on: c), try? ReplicationReading.read(on: c))
            }
            let last = try await backend.views.value(CyclesQuery.latestStartEpoch()).flatMap(Double.init)
            return HealthProbe.Reading(projections: projections, transactionIDs: ids, replication: replication, lastCycleStartEpoch: last, at: .now)
        } catch {
            return HealthProbe.Reading(error: "\(error)", at: .now)
        }
    }

    /// Prometheus text exposition (swift-prometheus): log head, projection lag, open positions, daily
    /// P&L, halt, the broker's circuit, cycles in flight, commit groups, and responses by status class. A read that fails
    /// leaves its gauge at its last value rather than failing the scrape.
    func metrics() async -> String {
        let m = backend.metrics
        let account = backend.system.account.rawValue
        if let head = try? await backend.system.log.store.head() {
            m.gauge("catalyst_events_head_position", "Largest committed global position of the event log.", Double(head.maxPosition))
        }
        let names = backend.projections
        if let rows = try? await backend.pool.withConnection({ c in try ProjectionStatusReport.load(names: names, on: c) }) {
            for row in rows {
                m.gauge("catalyst_projection_lag_events", "Events not yet applied by each projection.", labels: [("projection", row.name)], Double(row.lagEvents))
            }
        }
        if let open = try? await backend.views.value(PositionsQuery.openCount()), let count = Double(open) {
            m.gauge("catalyst_positions_open", "Open positions.", count)
        }
        if let risk = try? await backend.views.table(RiskQuery.dayLine(account: account)).first {
            m.gauge("catalyst_daily_pnl", "Today's realized plus unrealized P&L (account currency).", Double(risk["daily_pnl"] ?? "0") ?? 0)
            m.gauge("catalyst_trading_halted", "1 while trading is halted.", risk["halted"] == "true" || risk["halted"] == "t" ? 1 : 0)
        }
        let broker = backend.system.broker.health
        m.gauge("catalyst_broker_circuit_open", "1 while the broker circuit breaker is open or half-open.", broker.circuit == .closed ? 0 : 1)
        m.counter("catalyst_broker_circuit_opened_total", "Times the broker circuit breaker has opened.", total: broker.timesOpened)
        m.counter("catalyst_broker_failures_total", "Broker requests that failed (5xx, timeouts, dropped connections).", total: broker.failures)
        m.counter(
            "catalyst_appends_grouped_total", "Single-event appends committed in a commit group of two or more (this process).",
            total: backend.store.groupedAppends)
        m.counter("catalyst_commit_groups_total", "Commit groups of two or more single-event appends (this process).", total: backend.store.commitGroupsRun)
        m.gauge("catalyst_cycles_running", "Cycles executing in this process.", Double(await backend.cycles.count))
        return m.exposition()
    }
}

/// Counts every response by status class (after the error middleware has chosen the status).
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        metrics.recordResponse(status: response.status.code)
        return response
    }
}
