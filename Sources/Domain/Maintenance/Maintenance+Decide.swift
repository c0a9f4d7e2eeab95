import Foundation

extension Maintenance: Decider {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .recordRestore(let r):
            // The same restore recorded twice (a retried command) is one fact.
            if state.restores.contains(where: { $0.sourceSHA256 == r.sourceSHA256 && $0.nextTxID == r.nextTxID }) { return [] }
            return [.restored(r)]
        }
    }
}
