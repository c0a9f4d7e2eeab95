import Foundation

extension Maintenance {
    public enum Event: Sendable, Equatable {
        case restored(Restored)
    }

    /// `maintenance.restored`: the ledger was restored from a logical dump into this cluster, and the
    /// cluster's transaction ids were moved past the restored ones so that readers see every event.
    public struct Restored: DomainEvent, Hashable {
        public static let eventType = "maintenance.restored"
        public static let schemaVersion = 1
        /// The dump's file name and its SHA-256.
        public var source: String
        public var sourceSHA256: String
        /// The cluster the dump came from (`event_store_identity.system_identifier`) and this one's.
        public var fromSystemIdentifier: String?
        public var toSystemIdentifier: String
        /// The largest restored transaction id, and the next transaction id the cluster was given.
        public var restoredMaxTxID: String
        public var nextTxID: String
        public var restoredEvents: Int64
        public var restoredHeadPosition: Int64
        public var at: Date

        public init(
            source: String, sourceSHA256: String, fromSystemIdentifier: String?, toSystemIdentifier: String, restoredMaxTxID: String, nextTxID: String,
            restoredEvents: Int64, restoredHeadPosition: Int64, at: Date
        ) {
            self.source = source
            self.sourceSHA256 = sourceSHA256
            self.fromSystemIdentifier = fromSystemIdentifier
            self.toSystemIdentifier = toSystemIdentifier
            self.restoredMaxTxID = restoredMaxTxID
            self.nextTxID = nextTxID
            self.restoredEvents = restoredEvents
            self.restoredHeadPosition = restoredHeadPosition
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case source, at
            case sourceSHA256 = "source_sha256"
            case fromSystemIdentifier = "from_system_identifier"
            case toSystemIdentifier = "to_system_identifier"
            case restoredMaxTxID = "restored_max_tx_id"
            case nextTxID = "next_tx_id"
            case restoredEvents = "restored_events"
            case restoredHeadPosition = "restored_head_position"
        }
    }
}
