import Foundation

extension Maintenance {
    public enum Command: Sendable, Equatable {
        case recordRestore(Restored)
    }
}
