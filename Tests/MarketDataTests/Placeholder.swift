import Testing
@Test func marketDataPlaceholder() {}
