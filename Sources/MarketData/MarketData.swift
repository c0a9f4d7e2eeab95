/// Market data sources behind one port (`MarketDataSource`): the simulated market (the default), CSV
/// files, and Alpaca's REST API.
public enum MarketData {}
