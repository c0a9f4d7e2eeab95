import Domain
import Foundation
import Hummingbird

/// `/v2/clock` and `/v2/calendar` (docs/alpaca.md §Clock and calendar): clock times carry New York offsets and the
/// clock's timestamp has 9 fractional digits; calendar times are New York wall-clock strings.
struct ClockCalendarRoutes: FakeAlpacaRouteGroup {
    let state: FakeMarketDataState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/clock") { _, _ in clock() }
        router.get("/v2/calendar") { request, _ in calendar(Query(request)) }
    }

    func clock() -> Response {
        let book = state.book.withLock { $0 }
        let now = book.now
        let open = book.sessions.contains { $0.contains(now) }
        guard let nextOpen = book.sessions.first(where: { $0.open > now })?.open,
            let nextClose = book.sessions.first(where: { $0.close > now })?.close
        else { return FakeResponse.error(status: 500, code: 50_000_000, message: "fake has no sessions after now") }
        func ny(_ d: Date, _ digits: Int) -> JSONValue {
            .string(WireTime.format(d, fractionDigits: digits, offset: NewYork.timeZone.secondsFromGMT(for: d)))
        }
        return FakeResponse.json(.object([
            ("timestamp", ny(now, 9)), ("is_open", .bool(open)), ("next_open", ny(nextOpen, 0)), ("next_close", ny(nextClose, 0)),
        ]))
    }

    func calendar(_ q: Query) -> Response {
        let book = state.book.withLock { $0 }
        let from = q["start"].flatMap(NYDate.init) ?? NYDate(year: 1970, month: 1, day: 1)!
        let through = q["end"].flatMap(NYDate.init) ?? NYDate(year: 2029, month: 12, day: 31)!
        let sessions = book.sessions.filter { $0.date >= from && $0.date <= through }
        func hhmm(_ d: Date) -> String {
            let m = NewYork.minuteOfDay(d)
            return String(format: "%02d:%02d", m / 60, m % 60)
        }
        let days: [JSONValue] = sessions.enumerated().map { i, s in
            let settlement = i + 1 < sessions.count ? sessions[i + 1].date : s.date.adding(days: 1)
            return .object([
                ("date", .string(s.date.description)), ("open", .string(hhmm(s.open))), ("close", .string(hhmm(s.close))),
                ("session_open", .string("0400")), ("session_close", .string("2000")), ("settlement_date", .string(settlement.description)),
            ])
        }
        return FakeResponse.json(.array(days))
    }
}
