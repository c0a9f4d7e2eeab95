import Foundation

extension Approval {
    public enum Event: Sendable, Equatable {
        case requested(Requested)
        case granted(Granted)
        case denied(Denied)
        case expired(Expired)
    }

    /// `approval.requested`
    public struct Requested: DomainEvent {
        public static let eventType = "approval.requested"
        public static let schemaVersion = 1
        public var approvalID: ApprovalID
        public var cycleID: CycleID?
        public var signalID: SignalID?
        /// The risk-approved intent the human is asked about.
        public var intent: OrderIntent
        public var requestedAt: Date
        public var expiresAt: Date

        public init(approvalID: ApprovalID, cycleID: CycleID?, signalID: SignalID?, intent: OrderIntent, requestedAt: Date, expiresAt: Date) {
            self.approvalID = approvalID
            self.cycleID = cycleID
            self.signalID = signalID
            self.intent = intent
            self.requestedAt = requestedAt
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case intent
            case approvalID = "approval_id"
            case cycleID = "cycle_id"
            case signalID = "signal_id"
            case requestedAt = "requested_at"
            case expiresAt = "expires_at"
        }
    }

    /// `approval.granted`
    public struct Granted: DomainEvent {
        public static let eventType = "approval.granted"
        public static let schemaVersion = 1
        public var approvalID: ApprovalID
        public var by: Actor
        public var at: Date
        public var note: String?

        public init(approvalID: ApprovalID, by: Actor, at: Date, note: String?) {
            self.approvalID = approvalID
            self.by = by
            self.at = at
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case by, at, note
            case approvalID = "approval_id"
        }
    }

    /// `approval.denied`
    public struct Denied: DomainEvent {
        public static let eventType = "approval.denied"
        public static let schemaVersion = 1
        public var approvalID: ApprovalID
        public var by: Actor
        public var at: Date
        public var reason: String

        public init(approvalID: ApprovalID, by: Actor, at: Date, reason: String) {
            self.approvalID = approvalID
            self.by = by
            self.at = at
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case by, at, reason
            case approvalID = "approval_id"
        }
    }

    /// `approval.expired`: nobody answered in time.
    public struct Expired: DomainEvent {
        public static let eventType = "approval.expired"
        public static let schemaVersion = 1
        public var approvalID: ApprovalID
        public var at: Date

        public init(approvalID: ApprovalID, at: Date) {
            self.approvalID = approvalID
            self.at = at
        }

        enum CodingKeys: String, CodingKey {
            case at
            case approvalID = "approval_id"
        }
    }
}
