import CoreMetrics
import Prometheus
import Synchronization

/// The `/metrics` of one API server, in swift-prometheus's registry (its own, not the process-global
/// one: tests run several servers in one process). Requests are counted as they are answered through
/// swift-metrics' `Counter`, backed by the registry's factory; the ledger's state (log head, lag,
/// positions, P&L, halt, broker, cycles) is read at each scrape and set on the registry's gauges, which
/// carry their help text. The exposition text is the registry's, not ours.
final class APIMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let responses = Mutex<[String: CoreMetrics.Counter]>([:])
    /// Cumulative counts read from elsewhere (the broker, the event store), last seen by name: each
    /// counter moves by the difference at each scrape.
    private let seen = Mutex<[String: Int]>([:])

    init() { factory = PrometheusMetricsFactory(registry: registry) }

    /// One response answered, counted by status class (`2xx`, `4xx` …).
    func recordResponse(status: Int) {
        let statusClass = "\(status / 100)xx"
        let counter = responses.withLock { counters in
            if let existing = counters[statusClass] { return existing }
            let made = CoreMetrics.Counter(label: "catalyst_http_responses_total", dimensions: [("class", statusClass)], factory: factory)
            counters[statusClass] = made
            return made
        }
        counter.increment()
    }

    /// A gauge of the registry, set to `value`.
    func gauge(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Double) {
        let d = Self.descriptor(name, help)
        let gauge = labels.isEmpty ? registry.makeGauge(descriptor: d) : registry.makeGauge(descriptor: d, labels: labels)
        gauge.set(value)
    }

    /// The registry's name for `name`: its last word is the unit (`…_total`, `…_events`), as the library
    /// composes names; the exposition shows `name` unchanged.
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        let cut = name.lastIndex(of: "_") ?? name.endIndex
        return MetricNameDescriptor(metricName: String(name[..<cut]), unitName: String(name[cut...].dropFirst()), helpText: help)
    }

    /// A cumulative count kept elsewhere (it only grows), as a Prometheus counter.
    func counter(_ name: String, _ help: String, total: Int) {
        let by = seen.withLock { seen -> Int in
            defer { seen[name] = max(seen[name] ?? 0, total) }
            return max(0, total - (seen[name] ?? 0))
        }
        registry.makeCounter(descriptor: Self.descriptor(name, help)).increment(by: Int64(by))
    }

    /// The exposition text (format 0.0.4).
    func exposition() -> String { registry.emitToString() }
}
