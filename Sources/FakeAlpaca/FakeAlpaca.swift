/// A local server speaking Alpaca's documented wire format, for tests and fault drills.
///
/// It is written independently of the client in `MarketData` (its own JSON writer and timestamp
/// formatting), so that a shared misunderstanding of the wire format cannot hide in both.
public enum FakeAlpaca {}
