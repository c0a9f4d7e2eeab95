/// A local server speaking Alpaca's documented wire format, for tests and fault drills.
///
/// Two halves over separate states: market data (`FakeMarketDataState`, `marketDataGroups`) and
/// trading (`FakeTradingState`, `tradingGroups`: orders, positions, account, fill activities). Tests
/// script the broker through `FakeTradingState`'s methods (fill, reject, confirmCancel,
/// expireDayOrders, external orders and positions) and the network through `FaultScript`.
///
/// It is written independently of the client in `MarketData` (its own JSON writer and timestamp
/// formatting), so that a shared misunderstanding of the wire format cannot hide in both.
public enum FakeAlpaca {}
