import Foundation

/// Reads of the event index (`v_event_index`): which global positions carry a correlation id, a cycle id
/// or a client order id.
public enum EventIndexQuery {
    /// The positions indexed under `kind`/`key`, in log order.
    public static func positions(kind: String, key: String) -> ViewQuery {
        ViewQuery("SELECT global_position FROM public.v_event_index WHERE key_kind = $1 AND key = $2 ORDER BY global_position", [kind, key])
    }
}
