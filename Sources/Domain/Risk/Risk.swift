import Foundation

/// The account's trading day. Every limit that spans positions (open positions, pending entries,
/// exposure by symbol and sector, daily P&L, trades today, consecutive losses, the halt) is decided
/// against this one stream and appended with its expected version, so two concurrent approvals cannot
/// both pass a limit (docs/operations.md §The trading workflow). Fills and marks are mirrored into it for the same reason: a
/// decision that depends on them conflicts with them instead of reading them stale.
public enum Risk {
    public static func stream(account: AccountID, date: NYDate) -> StreamName { .risk(account: account, date: date) }
}
