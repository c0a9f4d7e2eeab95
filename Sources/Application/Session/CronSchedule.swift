import Domain
import Foundation

/// The workflow triggers of a crontab (`tools/catalyst.cron`): which New York minutes of a weekday fire
/// a StartCycle, and with which request body. The simulated session follows exactly these lines, so the
/// schedule a demo runs is the schedule production runs.
public struct CronSchedule: Sendable {
    public struct Trigger: Sendable, Hashable {
        /// Minute of the New York day.
        public var minuteOfDay: Int
        public var request: StartCycleRequest
        /// The crontab line it came from.
        public var line: Int
    }

    public var triggers: [Trigger]
    public var timeZone: String?

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case badField(line: Int, field: String, value: String)
        case badBody(line: Int, reason: String)

        public var description: String {
            switch self {
            case .badField(let l, let f, let v): "crontab line \(l): invalid \(f) field \"\(v)\""
            case .badBody(let l, let r): "crontab line \(l): workflow request body: \(r)"
            }
        }
    }

    /// Parses the crontab. Only lines that POST to `/api/v1/workflow/start` (or run `catalyst cycle
    /// start`) become triggers; the rest of the file (backups, health checks …) is ignored here.
    public static func parse(_ text: String, on weekday: Int = 1) throws -> CronSchedule {
        var triggers: [Trigger] = []
        var zone: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("CRON_TZ=") { zone = String(line.dropFirst(8)); continue }
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 6, !fields[0].contains("=") else { continue }
            let command = fields[5]
            guard command.contains("/api/v1/workflow/start") || command.contains("cycle start") else { continue }
            let minutes = try expand(fields[0], 0...59, line: lineNumber, name: "minute")
            let hours = try expand(fields[1], 0...23, line: lineNumber, name: "hour")
            let weekdays = try expand(fields[4], 0...7, line: lineNumber, name: "day-of-week").map { $0 == 7 ? 0 : $0 }
            guard weekdays.contains(weekday % 7) else { continue }
            let request = try body(of: command, line: lineNumber)
            for h in hours { for m in minutes { triggers.append(Trigger(minuteOfDay: h * 60 + m, request: request, line: lineNumber)) } }
        }
        return CronSchedule(triggers: triggers.sorted { ($0.minuteOfDay, $0.line) < ($1.minuteOfDay, $1.line) }, timeZone: zone)
    }

    /// Expands one cron field: `*`, `n`, `a-b`, lists, and `/step`.
    static func expand(_ field: String, _ range: ClosedRange<Int>, line: Int, name: String) throws -> [Int] {
        var out = Set<Int>()
        for part in field.split(separator: ",") {
            let pieces = part.split(separator: "/", maxSplits: 1)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw ParseError.badField(line: line, field: name, value: field) }
            let base = String(pieces[0])
            var lo = range.lowerBound
            var hi = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", maxSplits: 1).map { Int($0) }
                guard let first = bounds.first ?? nil else { throw ParseError.badField(line: line, field: name, value: field) }
                lo = first
                hi = bounds.count == 2 ? (bounds[1] ?? -1) : (pieces.count == 2 ? range.upperBound : first)
            }
            guard range.contains(lo), range.contains(hi), lo <= hi else { throw ParseError.badField(line: line, field: name, value: field) }
            out.formUnion(stride(from: lo, through: hi, by: step))
        }
        return out.sorted()
    }

    /// The JSON after `-d '…'` (or `--mode` flags of `catalyst cycle start`).
    static func body(of command: String, line: Int) throws -> StartCycleRequest {
        if let start = command.range(of: "-d '") {
            let rest = command[start.upperBound...]
            guard let end = rest.firstIndex(of: "'") else { throw ParseError.badBody(line: line, reason: "unterminated -d '…'") }
            do {
                return try JSONDecoder().decode(StartCycleRequest.self, from: Data(rest[..<end].utf8))
            } catch {
                throw ParseError.badBody(line: line, reason: "\(error)")
            }
        }
        var request = StartCycleRequest()
        let words = command.split(separator: " ").map(String.init)
        for (i, w) in words.enumerated() where i + 1 < words.count {
            switch w {
            case "--mode": request.mode = words[i + 1]
            case "--max-positions": request.maxPositions = Int(words[i + 1])
            case "--session-mode": request.sessionMode = words[i + 1]
            default: break
            }
        }
        return request
    }
}
