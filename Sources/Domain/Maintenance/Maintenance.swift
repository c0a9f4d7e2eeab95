import Foundation

/// What was done to the ledger itself rather than through it: a restore from a backup. One stream,
/// `maintenance-ledger`, so an auditor reading the log sees where the ledger came from and when.
public enum Maintenance {
    public static let stream = StreamName(.maintenance, "ledger")
}
