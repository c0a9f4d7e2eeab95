import Foundation

/// What the broker said, kept verbatim enough for an auditor: the endpoint, when, the fields compared,
/// and the raw response. Every reconciliation adjustment carries one (docs/origins.md §Production failures: ghost
/// fixes closed positions with invented prices and no evidence).
public struct BrokerEvidence: Hashable, Sendable, Codable {
    /// E.g. `GET /v2/positions/AAPL`, `GET /v2/account/activities/FILL`.
    public var source: String
    public var fetchedAt: Date
    public var brokerOrderID: BrokerOrderID?
    public var clientOrderID: String?
    public var status: BrokerOrderStatus?
    public var symbol: Symbol?
    /// Signed for positions (negative = short).
    public var quantity: Quantity?
    public var filledQuantity: Quantity?
    public var averagePrice: Price?
    public var executionIDs: [ExecutionID]
    /// The response body as received.
    public var raw: String?

    public init(
        source: String, fetchedAt: Date, brokerOrderID: BrokerOrderID? = nil, clientOrderID: String? = nil, status: BrokerOrderStatus? = nil,
        symbol: Symbol? = nil, quantity: Quantity? = nil, filledQuantity: Quantity? = nil, averagePrice: Price? = nil,
        executionIDs: [ExecutionID] = [], raw: String? = nil
    ) {
        self.source = source
        self.fetchedAt = fetchedAt
        self.brokerOrderID = brokerOrderID
        self.clientOrderID = clientOrderID
        self.status = status
        self.symbol = symbol
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.executionIDs = executionIDs
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case source, status, symbol, raw
        case fetchedAt = "fetched_at"
        case brokerOrderID = "broker_order_id"
        case clientOrderID = "client_order_id"
        case quantity = "qty"
        case filledQuantity = "filled_qty"
        case averagePrice = "avg_price"
        case executionIDs = "execution_ids"
    }
}
