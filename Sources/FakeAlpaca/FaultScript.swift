import Foundation
import Synchronization

/// Scripted failures: the next matching requests get the given status and body instead of an answer,
/// for drills on 4xx/5xx handling, rate limits and retries; or a late answer, or a connection dropped
/// in the middle of the body, before or after the route has done its work (a timeout *after* an
/// order was accepted is the case a client must resolve by client order id).
public final class FaultScript: Sendable {
    public struct Fault: Sendable, Hashable {
        /// Requests whose path starts with this are affected.
        public var pathPrefix: String
        /// Only requests with this method (`POST`, …); nil = any.
        public var method: String?
        public var status: Int
        /// Alpaca's error body: `{"code": …, "message": …}`.
        public var code: Int
        public var message: String
        public var headers: [String: String]

        public init(pathPrefix: String, method: String? = nil, status: Int, code: Int, message: String, headers: [String: String] = [:]) {
            self.pathPrefix = pathPrefix
            self.method = method
            self.status = status
            self.code = code
            self.message = message
            self.headers = headers
        }
    }

    /// What happens to the connection of a matching request.
    public enum ConnectionFault: Sendable, Hashable {
        /// The route runs (the order is created, the cancel happens), then the answer waits
        /// `seconds` — past a client's timeout.
        case answerLate(seconds: Double)
        /// The route runs, then the connection closes after the head and part of the body.
        case dropMidBody
        /// The connection closes mid-body before the route runs: nothing happened.
        case dropWithoutProcessing
        /// The route runs (the order is created), then the answer is this 5xx error instead: the
        /// broker failed after acting, the case a client must resolve by looking the order up.
        case failAfterProcessing(status: Int)
    }

    struct Match: Sendable {
        var pathPrefix: String
        var method: String?
        /// Until when (window faults), or nil for counted ones.
        var until: ContinuousClock.Instant?

        func matches(_ path: String, _ method: String, at now: ContinuousClock.Instant) -> Bool {
            path.hasPrefix(pathPrefix) && (self.method == nil || self.method == method) && (until.map { now < $0 } ?? true)
        }
    }

    private let queue = Mutex<[Fault]>([])
    private let delays = Mutex<[(Match, Double)]>([])
    private let windows = Mutex<[(Match, Fault)]>([])
    private let connections = Mutex<[(Match, ConnectionFault)]>([])

    public init() {}

    /// The next `times` requests under `pathPrefix` (and `method`, if given) fail with `status`.
    public func fail(
        _ pathPrefix: String, method: String? = nil, status: Int, code: Int? = nil, message: String = "scripted failure", times: Int = 1,
        headers: [String: String] = [:]
    ) {
        let fault = Fault(pathPrefix: pathPrefix, method: method, status: status, code: code ?? status * 100_000, message: message, headers: headers)
        queue.withLock { $0.append(contentsOf: [Fault](repeating: fault, count: times)) }
    }

    /// Every request under `pathPrefix` fails with `status` for the next `duration` (drills such as
    /// "the broker returns 500s for a minute").
    public func fail(
        _ pathPrefix: String, method: String? = nil, status: Int, code: Int? = nil, message: String = "scripted failure", for duration: Duration
    ) {
        let fault = Fault(pathPrefix: pathPrefix, method: method, status: status, code: code ?? status * 100_000, message: message)
        windows.withLock { $0.append((Match(pathPrefix: pathPrefix, method: method, until: .now + duration), fault)) }
    }

    /// The next `times` requests under `pathPrefix` are answered only after `seconds`, before the
    /// route runs (timeout drills on reads).
    public func delay(_ pathPrefix: String, method: String? = nil, seconds: Double, times: Int = 1) {
        let m = Match(pathPrefix: pathPrefix, method: method, until: nil)
        delays.withLock { $0.append(contentsOf: [(Match, Double)](repeating: (m, seconds), count: times)) }
    }

    /// Every request under `pathPrefix` is answered only after `seconds` for the next `duration`
    /// ("the broker answers slowly for a minute").
    public func delay(_ pathPrefix: String, method: String? = nil, seconds: Double, for duration: Duration) {
        delays.withLock { $0.append((Match(pathPrefix: pathPrefix, method: method, until: .now + duration), seconds)) }
    }

    /// The next `times` matching requests suffer `fault`.
    public func connection(_ fault: ConnectionFault, _ pathPrefix: String, method: String? = nil, times: Int = 1) {
        let m = Match(pathPrefix: pathPrefix, method: method, until: nil)
        connections.withLock { $0.append(contentsOf: [(Match, ConnectionFault)](repeating: (m, fault), count: times)) }
    }

    /// Every matching request suffers `fault` for the next `duration`.
    public func connection(_ fault: ConnectionFault, _ pathPrefix: String, method: String? = nil, for duration: Duration) {
        connections.withLock { $0.append((Match(pathPrefix: pathPrefix, method: method, until: .now + duration), fault)) }
    }

    /// Removes every scripted fault (the broker "recovers").
    public func clear() {
        queue.withLock { $0.removeAll() }
        delays.withLock { $0.removeAll() }
        windows.withLock { $0.removeAll() }
        connections.withLock { $0.removeAll() }
    }

    func takeDelay(for path: String, method: String = "GET") -> Double? {
        let now = ContinuousClock.now
        return delays.withLock { q in
            q.removeAll { $0.0.until.map { now >= $0 } ?? false }
            guard let i = q.firstIndex(where: { $0.0.matches(path, method, at: now) }) else { return nil }
            return q[i].0.until == nil ? q.remove(at: i).1 : q[i].1
        }
    }

    /// Removes and returns the first fault matching the request, if any (window faults stay).
    func take(for path: String, method: String = "GET") -> Fault? {
        let now = ContinuousClock.now
        if let w = windows.withLock({ ws -> Fault? in
            ws.removeAll { $0.0.until.map { now >= $0 } ?? false }
            return ws.first { $0.0.matches(path, method, at: now) }?.1
        }) { return w }
        return queue.withLock { q in
            guard let i = q.firstIndex(where: { path.hasPrefix($0.pathPrefix) && ($0.method == nil || $0.method == method) }) else { return nil }
            return q.remove(at: i)
        }
    }

    func takeConnectionFault(for path: String, method: String) -> ConnectionFault? {
        let now = ContinuousClock.now
        return connections.withLock { cs in
            cs.removeAll { $0.0.until.map { now >= $0 } ?? false }
            guard let i = cs.firstIndex(where: { $0.0.matches(path, method, at: now) }) else { return nil }
            return cs[i].0.until == nil ? cs.remove(at: i).1 : cs[i].1
        }
    }

    /// Counted faults not yet consumed.
    public var pending: Int { queue.withLock { $0.count } }
}
