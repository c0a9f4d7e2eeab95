import Domain
import Foundation

/// Stage 1: tradability, data quality, price and liquidity over the whole universe, then the most
/// unusually active names (relative volume) up to `stage_sizes.universe`.
///
/// It needs only snapshots and daily bars, so a 4,000-symbol universe costs one snapshot call, not
/// 4,000 minute-bar downloads; minute bars and news are fetched for the survivors only.
struct UniverseScreener {
    let configuration: FunnelConfiguration

    func screen(_ universe: [UniverseEntry], at time: ScanTime) -> UniverseScreen {
        var passed: [(ScreenedCandidate, rank: Double, dollar: Double)] = []
        var rejections: [UniverseRejection] = []
        passed.reserveCapacity(universe.count)
        for entry in universe {
            switch evaluate(entry, time) {
            case .passed(let c):
                passed.append((c, FeatureValue.rounded6(c.features.relativeVolume?.doubleValue ?? 0), c.averageDailyVolume * c.previousClose))
            case .rejected(let r):
                rejections.append(UniverseRejection(symbol: entry.security.symbol, reason: r.reason, detail: r.detail))
            }
        }
        // Most unusual activity first; dollar volume then symbol make the order total and repeatable.
        passed.sort { l, r in
            if l.rank != r.rank { return l.rank > r.rank }
            if l.dollar != r.dollar { return l.dollar > r.dollar }
            return l.0.security.symbol < r.0.security.symbol
        }
        let keep = configuration.stageSizes.universe
        var candidates: [ScreenedCandidate] = []
        for (i, p) in passed.enumerated() {
            if i < keep {
                var c = p.0
                c.universeRank = i + 1
                candidates.append(c)
            } else {
                let detail = "rank \(i + 1) of \(passed.count) by relative volume \(String(format: "%.2f", p.rank)); the cut keeps \(keep)"
                rejections.append(UniverseRejection(symbol: p.0.security.symbol, reason: RejectionReason.belowUniverseCut.rawValue, detail: detail))
            }
        }
        return UniverseScreen(time: time, universeSize: universe.count, candidates: candidates, rejections: rejections)
    }

    private func evaluate(_ entry: UniverseEntry, _ time: ScanTime) -> Screened<ScreenedCandidate> {
        let f = configuration.universe
        let sec = entry.security
        func reject(_ r: RejectionReason, _ detail: String) -> Screened<ScreenedCandidate> {
            .rejected(r.at(.universe, detail))
        }
        guard sec.tradable else { return reject(.notTradable, "the broker lists \(sec.symbol) as not tradable") }
        if f.requireShortable, !sec.shortable { return reject(.notShortable, "not shortable") }
        if f.requireFractionable, !sec.fractionable { return reject(.notFractionable, "not fractionable") }

        // Point-in-time: a snapshot stamped after the decision is not data we had.
        guard let snap = entry.snapshot, snap.asOf <= time.asOf else {
            return reject(.missingData, "no snapshot at or before the decision time")
        }
        guard let today = snap.dailyBar, today.availableAt <= time.asOf else {
            return reject(.missingData, "no bar for today's session")
        }
        guard today.start >= time.dayStart, today.start < time.nextDayStart else {
            return reject(.staleData, "the latest daily bar is for \(NYDate(today.start)), not \(time.session.date)")
        }
        let lastBarTime = snap.minuteBar.map(\.availableAt).flatMap { $0 <= time.asOf ? $0 : nil } ?? today.availableAt
        let age = time.dataClock.timeIntervalSince(lastBarTime)
        guard age <= Double(f.maxDataAgeSeconds) else {
            return reject(.staleData, "latest bar is \(Int(age)) s old (limit \(f.maxDataAgeSeconds) s)")
        }
        let price = snap.lastPrice.value.doubleValue
        guard price > 0 else { return reject(.missingData, "no last price") }

        let history = entry.dailyBars.filter { $0.availableAt <= time.asOf && $0.start < time.dayStart }
            .sorted { $0.start < $1.start }
        guard let previous = (snap.previousDailyBar.flatMap { $0.availableAt <= time.asOf ? $0 : nil }) ?? history.last else {
            return reject(.missingData, "no previous close")
        }
        let window = history.suffix(f.averageVolumeSessions)
        guard window.count >= f.minHistorySessions else {
            return reject(.missingData, "\(window.count) of \(f.averageVolumeSessions) sessions of daily history (need \(f.minHistorySessions))")
        }
        let adv = Double(window.reduce(Int64(0)) { $0 + $1.volume }) / Double(window.count)
        let previousClose = previous.close.value.doubleValue
        guard previousClose > 0 else { return reject(.missingData, "previous close is not positive") }

        if snap.lastPrice.value < f.minPrice || snap.lastPrice.value > f.maxPrice {
            return reject(.priceOutOfRange, "price \(snap.lastPrice) outside \(f.minPrice)–\(f.maxPrice)")
        }
        if adv < Double(f.minAverageDailyVolume) {
            return reject(.averageVolumeTooLow, "average daily volume \(Int64(adv)) < \(f.minAverageDailyVolume)")
        }
        let dollarVolume = adv * price
        if dollarVolume < f.minDollarVolume.doubleValue {
            return reject(.dollarVolumeTooLow, "dollar volume \(Int64(dollarVolume)) < \(f.minDollarVolume)")
        }
        if let bid = snap.bid?.value.doubleValue, let ask = snap.ask?.value.doubleValue, bid > 0, ask >= bid {
            let spread = (ask - bid) / ((ask + bid) / 2) * 100
            if spread > f.maxSpreadPercent.doubleValue {
                return reject(.spreadTooWide, String(format: "spread %.3f%% > %@%%", spread, "\(f.maxSpreadPercent)"))
            }
        }

        let sessionVolume = Double(today.volume)
        let relativeVolume = RelativeVolume.ratio(
            sessionVolume: sessionVolume, averageDailyVolume: adv, elapsedFraction: time.elapsedFraction
        )
        let open = today.open.value.doubleValue
        let features = FeatureSnapshot(
            symbol: sec.symbol, sector: sec.sector, asOf: time.asOf, price: snap.lastPrice, volume: today.volume,
            relativeVolume: FeatureValue.decimal6(relativeVolume),
            gapPercent: FeatureValue.decimal6((open / previousClose - 1) * 100),
            changePercent: FeatureValue.decimal6((price / previousClose - 1) * 100),
            scoringVersion: Strategy.scoringVersion
        )
        return .passed(
            ScreenedCandidate(security: sec, features: features, averageDailyVolume: adv, previousClose: previousClose, universeRank: 0)
        )
    }
}
