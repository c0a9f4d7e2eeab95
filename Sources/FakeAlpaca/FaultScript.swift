import Foundation
import Synchronization

/// Scripted failures: the next matching requests get the given status and body instead of an answer,
/// for drills on 4xx/5xx handling, rate limits and retries.
public final class FaultScript: Sendable {
    public struct Fault: Sendable, Hashable {
        /// Requests whose path starts with this are affected.
        public var pathPrefix: String
        public var status: Int
        /// Alpaca's error body: `{"code": …, "message": …}`.
        public var code: Int
        public var message: String
        public var headers: [String: String]

        public init(pathPrefix: String, status: Int, code: Int, message: String, headers: [String: String] = [:]) {
            self.pathPrefix = pathPrefix
            self.status = status
            self.code = code
            self.message = message
            self.headers = headers
        }
    }

    private let queue = Mutex<[Fault]>([])
    private let delays = Mutex<[(String, Double)]>([])

    public init() {}

    /// The next `times` requests under `pathPrefix` fail with `status`.
    public func fail(_ pathPrefix: String, status: Int, code: Int? = nil, message: String = "scripted failure", times: Int = 1, headers: [String: String] = [:]) {
        let fault = Fault(pathPrefix: pathPrefix, status: status, code: code ?? status * 100_000, message: message, headers: headers)
        queue.withLock { $0.append(contentsOf: [Fault](repeating: fault, count: times)) }
    }

    /// The next `times` requests under `pathPrefix` are answered only after `seconds` (timeout drills).
    public func delay(_ pathPrefix: String, seconds: Double, times: Int = 1) {
        delays.withLock { $0.append(contentsOf: [(String, Double)](repeating: (pathPrefix, seconds), count: times)) }
    }

    func takeDelay(for path: String) -> Double? {
        delays.withLock { q in
            guard let i = q.firstIndex(where: { path.hasPrefix($0.0) }) else { return nil }
            return q.remove(at: i).1
        }
    }

    /// Removes and returns the first fault matching `path`, if any.
    func take(for path: String) -> Fault? {
        queue.withLock { q in
            guard let i = q.firstIndex(where: { path.hasPrefix($0.pathPrefix) }) else { return nil }
            return q.remove(at: i)
        }
    }

    /// Faults not yet consumed.
    public var pending: Int { queue.withLock { $0.count } }
}
