import Foundation

/// The netted position of one symbol in one account. Opened only by a fill (never by a submission),
/// changed only by fills, closed with P&L realized from fill prices, marked to market for unrealized
/// P&L. The stream lives from the first fill onwards; each flat-to-flat position gets its own id.
public enum Position {
    public static func stream(account: AccountID, symbol: Symbol) -> StreamName { .position(account: account, symbol: symbol) }

    /// The id of the `sequence`-th position of a symbol (1-based).
    public static func id(account: AccountID, symbol: Symbol, sequence: Int) -> PositionID {
        PositionID(rawValue: "\(account.rawValue)-\(symbol.rawValue)-\(sequence)")
    }
}
