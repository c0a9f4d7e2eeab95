import Hummingbird
/// Namespace for the fake Alpaca server used by tests and fault drills.
public enum FakeAlpaca {}
