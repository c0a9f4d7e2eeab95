import Domain
import Foundation

/// `config/sectors.csv` (`symbol,sector`, GICS sector names): Alpaca's asset list has no sector, and the
/// risk rules limit exposure per sector, so a live universe contains only the symbols listed here.
public enum SectorMapFile {
    public static func load(_ path: String) throws -> [Symbol: Sector] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CatalystError.setup(
                "\(path) is missing: trading through Alpaca needs a symbol → GICS sector map (header `symbol,sector`), because Alpaca's asset list has no sector")
        }
        var map: [Symbol: Sector] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if number == 1 || (map.isEmpty && line.lowercased() == "symbol,sector") {
                guard line.lowercased() == "symbol,sector" else {
                    throw CatalystError.invalidInput(field: "\(path):1", reason: "expected the header `symbol,sector`, got `\(line)`")
                }
                continue
            }
            let fields = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let symbol = Symbol(fields[0]) else {
                throw CatalystError.invalidInput(field: "\(path):\(number)", reason: "expected `SYMBOL,Sector`, got `\(line)`")
            }
            guard let sector = Sector(rawValue: fields[1]) else {
                throw CatalystError.invalidInput(
                    field: "\(path):\(number)", reason: "unknown sector `\(fields[1])`; one of \(Sector.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            map[symbol] = sector
        }
        guard !map.isEmpty else { throw CatalystError.invalidInput(field: path, reason: "no symbols listed") }
        return map
    }
}
