import Foundation

/// Measurement helpers shared by the benchmark commands.
enum BenchSupport {
    /// The percentile `p` (0…1) of `xs`: the sample at the rounded rank p·(n−1).
    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        return s[min(s.count - 1, Int((p * Double(s.count - 1)).rounded()))]
    }

    /// Peak resident set size of this process (`VmHWM` in /proc/self/status), in MB; nil off Linux.
    static func peakResidentMB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Double($0) }
            return kb.map { $0 / 1024 }
        }
        return nil
    }

    /// Runs `body` and returns its result and duration in milliseconds.
    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        let d = start.duration(to: clock.now)
        return (value, Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        let d = start.duration(to: clock.now)
        return (value, Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    static func ms(_ v: Double) -> String { String(format: "%.1f ms", v) }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }
}
