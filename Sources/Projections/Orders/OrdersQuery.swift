import Foundation

/// Reads of the orders read model (`v_orders_status`).
public enum OrdersQuery {
    public enum Filter: Sendable, Equatable {
        /// Every order, latest first.
        case all
        /// Orders that can still change at the broker, latest first.
        case open
        /// Orders in this status, latest first.
        case status(String)
        /// One cycle's orders, oldest first.
        case cycle(String)
    }

    public static func list(_ filter: Filter, limit: Int) -> ViewQuery {
        switch filter {
        case .all: ViewQuery("SELECT * FROM v_orders_status ORDER BY requested_at DESC LIMIT \(limit)")
        case .open: ViewQuery("SELECT * FROM v_orders_status WHERE NOT is_terminal ORDER BY requested_at DESC LIMIT \(limit)")
        case .status(let s): ViewQuery("SELECT * FROM v_orders_status WHERE status = $1 ORDER BY requested_at DESC LIMIT \(limit)", [s])
        case .cycle(let id): ViewQuery("SELECT * FROM v_orders_status WHERE cycle_id = $1 ORDER BY requested_at LIMIT \(limit)", [id])
        }
    }
}
