import Foundation

/// A news item as received. `receivedAt` (when we could first act on it) is what point-in-time rules
/// compare with the decision time; `publishedAt` is the source's own stamp.
public struct NewsItem: Hashable, Sendable, Codable {
    public var id: NewsID
    public var headline: String
    public var summary: String
    public var source: String
    public var symbols: [Symbol]
    public var publishedAt: Date
    public var receivedAt: Date

    public init(
        id: NewsID, headline: String, summary: String, source: String, symbols: [Symbol], publishedAt: Date, receivedAt: Date
    ) {
        self.id = id
        self.headline = headline
        self.summary = summary
        self.source = source
        self.symbols = symbols
        self.publishedAt = publishedAt
        self.receivedAt = receivedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, headline, summary, source, symbols
        case publishedAt = "published_at"
        case receivedAt = "received_at"
    }
}
