import Foundation

/// The few fields of a risk decision or an order request that a whole-log reader such as the labeller
/// uses: which signal was approved or denied, for how many shares and why, and which approval an order
/// carries out.
///
/// `risk.approved` and `risk.denied` carry 1–1.5 KB of assessment and evaluation inputs, and
/// `order.requested` a whole order intent with its legs. `JSONDecoder` building all of that was the
/// largest cost of a replay into the labeller after the hot event types (about a fifth of its CPU).
/// `read` reads only these fields of a current-version payload, skipping the others as `JSONDecoder`
/// skips keys a type does not know, through the same value parsers as `HotEventDecoder`. It returns nil
/// for anything it does not read exactly as `JSONDecoder` would (an escape, a number where a decimal
/// string belongs, a repeated key, an older schema version), and the caller then decodes the whole event
/// and takes the glimpse from it (`init(_:)`). `DecisionGlimpseTests` checks that both ways agree.
///
/// One difference by design: a payload whose *unread* fields `JSONDecoder` would refuse is still read
/// here. The ledger wrote every payload through the same types, so this only matters for a hand-edited
/// log, and a replay then labels the event instead of stopping at it.
public enum DecisionGlimpse: Sendable, Equatable {
    case approved(approvalID: ApprovalID, signalID: SignalID?, quantity: Quantity)
    case denied(signalID: SignalID?, reasonCodes: [RiskReasonCode])
    case orderRequested(approvalID: ApprovalID?, parentOrderID: OrderID?, clientOrderID: ClientOrderID?)

    public static let eventTypes: Set<String> = [Risk.Approved.eventType, Risk.Denied.eventType, Order.Requested.eventType]

    /// The glimpse of a decoded event; nil for other events.
    public init?(_ event: LedgerEvent) {
        switch event {
        case .risk(.approved(let a)): self = .approved(approvalID: a.approvalID, signalID: a.signalID, quantity: a.intent.quantity)
        case .risk(.denied(let d)): self = .denied(signalID: d.signalID, reasonCodes: d.reasonCodes)
        case .order(.requested(let r)):
            self = .orderRequested(approvalID: r.approvalID, parentOrderID: r.parentOrderID, clientOrderID: r.intent.clientOrderID)
        default: return nil
        }
    }

    /// Reads the glimpse from a payload of the current schema version; nil to decode the whole event instead.
    public static func read(eventType: String, schemaVersion: Int, payload: Data) -> DecisionGlimpse? {
        switch eventType {
        case Risk.Approved.eventType where schemaVersion == Risk.Approved.schemaVersion: return HotEventDecoder.read(payload, approved)
        case Risk.Denied.eventType where schemaVersion == Risk.Denied.schemaVersion: return HotEventDecoder.read(payload, denied)
        case Order.Requested.eventType where schemaVersion == Order.Requested.schemaVersion: return HotEventDecoder.read(payload, orderRequested)
        default: return nil
        }
    }

    /// An optional identifier: absent or null is nil, as `decodeIfPresent` reads it.
    private static func optionalString(_ json: inout JSONBytes) -> String?? {
        if json.null() { return .some(nil) }
        return json.string().map { .some($0) }
    }

    private static let approvedKeys = JSONKeys(["approval_id", "signal_id", "intent"])
    private static let intentQuantityKeys = JSONKeys(["qty", "client_order_id"])

    static func approved(_ json: inout JSONBytes) -> DecisionGlimpse? {
        var approval: String?, signal: String?? = .some(nil), quantity: Decimal?
        let ok = json.object(approvedKeys, skippingOthers: true) { json, k in
            switch k {
            case 0:
                approval = json.string()
                return approval != nil
            case 1:
                signal = optionalString(&json)
                return signal != nil
            default:
                guard let intent = intentFields(&json) else { return false }
                quantity = intent.quantity
                return true
            }
        }
        guard ok, let approval, let signal, let quantity else { return nil }
        return .approved(approvalID: ApprovalID(rawValue: approval), signalID: signal.map(SignalID.init(rawValue:)), quantity: Quantity(quantity))
    }

    private static let deniedKeys = JSONKeys(["signal_id", "violations"])
    private static let violationKeys = JSONKeys(["code"])

    static func denied(_ json: inout JSONBytes) -> DecisionGlimpse? {
        var signal: String?? = .some(nil), codes: [RiskReasonCode]?
        let ok = json.object(deniedKeys, skippingOthers: true) { json, k in
            switch k {
            case 0:
                signal = optionalString(&json)
                return signal != nil
            default:
                var read: [RiskReasonCode] = []
                let ok = json.array { json in
                    var code: RiskReasonCode?
                    guard json.object(violationKeys, skippingOthers: true, { json, _ in
                        code = json.string().flatMap(RiskReasonCode.init(rawValue:))
                        return code != nil
                    }), let code else { return false }
                    read.append(code)
                    return true
                }
                codes = read
                return ok
            }
        }
        guard ok, let signal, let codes else { return nil }
        return .denied(signalID: signal.map(SignalID.init(rawValue:)), reasonCodes: codes)
    }

    private static let requestedKeys = JSONKeys(["approval_id", "parent_order_id", "intent"])

    static func orderRequested(_ json: inout JSONBytes) -> DecisionGlimpse? {
        var approval: String?? = .some(nil), parent: String?? = .some(nil), client: ClientOrderID?? = nil
        let ok = json.object(requestedKeys, skippingOthers: true) { json, k in
            switch k {
            case 0:
                approval = optionalString(&json)
                return approval != nil
            case 1:
                parent = optionalString(&json)
                return parent != nil
            default:
                guard let intent = intentFields(&json) else { return false }
                client = .some(intent.clientOrderID)
                return true
            }
        }
        guard ok, let approval, let parent, let client else { return nil }
        return .orderRequested(approvalID: approval.map(ApprovalID.init(rawValue:)), parentOrderID: parent.map(OrderID.init(rawValue:)), clientOrderID: client)
    }

    /// An order intent's quantity (required) and client order id (optional, and valid when present).
    private static func intentFields(_ json: inout JSONBytes) -> (quantity: Decimal, clientOrderID: ClientOrderID?)? {
        var quantity: Decimal?, client: ClientOrderID?? = .some(nil)
        let ok = json.object(intentQuantityKeys, skippingOthers: true) { json, k in
            switch k {
            case 0:
                quantity = json.decimal()
                return quantity != nil
            default:
                if json.null() { return true }
                guard let raw = json.string(), let id = ClientOrderID(raw) else { return false }
                client = .some(id)
                return true
            }
        }
        guard ok, let quantity, let client else { return nil }
        return (quantity, client)
    }
}
