/// Namespace for market data sources: the port, the simulated market, CSV files and Alpaca.
public enum MarketData {}
