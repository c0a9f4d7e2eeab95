/// The trading side of the fake: orders, positions, account and fill activities over one state.
extension FakeAlpacaServer {
    public static func tradingGroups(_ state: FakeTradingState) -> [any FakeAlpacaRouteGroup] {
        [OrderRoutes(state: state), AccountRoutes(state: state)]
    }
}
