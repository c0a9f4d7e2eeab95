import Testing
@Test func strategyPlaceholder() {}
