import Domain
import Foundation

/// One simulated listing: its public description and the hidden parameters its prices follow.
struct SimulatedSymbol: Sendable {
    let index: Int
    let security: Security
    /// The level the price mean-reverts around.
    let basePrice: Double
    /// Typical shares per session.
    let averageVolume: Double
    /// Standard deviation of daily log returns.
    let dailyVolatility: Double
    /// Half the quoted spread, as a fraction of price.
    let halfSpread: Double
    /// Shares per trade, for bar trade counts.
    let tradeSize: Double
}

/// Generates the universe from the seed: tickers, names, sectors, exchanges, broker flags and the
/// parameters behind each symbol's prices. Log-normal prices ($1–$800, median ≈ $30) and volumes
/// (median ≈ 1.2M shares) give the spread of a real US equity universe: many names fail the price
/// and liquidity filters, as they should.
enum SimulatedUniverse {
    static func generate(seed: UInt64, count: Int) -> [SimulatedSymbol] {
        var rng = Xoshiro256(seed: SplitMix64.derive(seed, 0x0001))
        var used: Set<String> = []
        var out: [SimulatedSymbol] = []
        out.reserveCapacity(count)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        while out.count < count {
            let length = [2, 3, 3, 3, 4, 4, 4, 4][rng.int(0...7)]
            let ticker = String((0..<length).map { _ in letters[rng.int(0...25)] })
            guard used.insert(ticker).inserted, let symbol = Symbol(ticker) else { continue }
            let i = out.count
            let sector = Sector.allCases[rng.int(0...(Sector.allCases.count - 1))]
            let exchange = rng.unit() < 0.55 ? "NASDAQ" : (rng.unit() < 0.92 ? "NYSE" : "ARCA")
            let price = min(max(exp(log(30) + 1.0 * rng.gaussian()), 1), 800)
            let volume = min(max(exp(log(1_200_000) + 1.3 * rng.gaussian()), 20_000), 80_000_000)
            // Cheap and thinly traded names move more.
            let vol = min(0.012 + 0.03 * rng.unit() + 0.02 * max(0, log(20 / price)) / 3, 0.09)
            let spread = max(0.00005, 0.0002 * exp(0.8 * rng.gaussian()) * sqrt(2_000_000 / volume))
            let name = names[rng.int(0...(names.count - 1))] + " " + suffixes[rng.int(0...(suffixes.count - 1))]
            let security = Security(
                symbol: symbol, name: "\(ticker.prefix(1))\(ticker.dropFirst().lowercased()) \(name)", exchange: exchange,
                sector: sector, tradable: rng.unit() < 0.98, shortable: rng.unit() < 0.85, fractionable: rng.unit() < 0.8
            )
            out.append(
                SimulatedSymbol(
                    index: i, security: security, basePrice: price, averageVolume: volume, dailyVolatility: vol,
                    halfSpread: min(spread, 0.02), tradeSize: 80 + 200 * rng.unit()
                )
            )
        }
        return out
    }

    private static let names = [
        "Dynamics", "Therapeutics", "Systems", "Energy", "Materials", "Brands", "Financial", "Networks", "Biosciences",
        "Logistics", "Semiconductor", "Realty", "Utilities", "Media", "Foods", "Motors", "Aerospace", "Software",
        "Pharmaceuticals", "Robotics", "Minerals", "Retail", "Capital", "Health", "Devices", "Labs", "Solar",
    ]
    private static let suffixes = ["Inc", "Corp", "Holdings", "Group", "Co", "Ltd", "Technologies", "International"]
}

/// Prices on legal ticks, in `Double` for the generator and exactly as `Price` for the outside world.
enum Tick {
    @inline(__always) static func round(_ x: Double) -> Double {
        x >= 1 ? (x * 100).rounded() / 100 : (x * 10_000).rounded() / 10_000
    }

    @inline(__always) static func up(_ x: Double) -> Double {
        x >= 1 ? (x * 100 - 1e-9).rounded(.up) / 100 : (x * 10_000 - 1e-9).rounded(.up) / 10_000
    }

    @inline(__always) static func down(_ x: Double) -> Double {
        x >= 1 ? (x * 100 + 1e-9).rounded(.down) / 100 : (x * 10_000 + 1e-9).rounded(.down) / 10_000
    }

    /// An exact `Price` for a value already on a tick (or a 4-place vwap): built from an integer, never
    /// through `Decimal(Double)`.
    static func price(_ x: Double) -> Price {
        let scaled = Int64((x * 10_000).rounded())
        return Price(Decimal(sign: scaled < 0 ? .minus : .plus, exponent: -4, significand: Decimal(scaled.magnitude)))
    }
}
