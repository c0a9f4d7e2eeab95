import Domain
import Foundation

extension TradingSystem {
    /// Stores a cycle step's recording and returns its hash. A capture that fails (a full disk) does not
    /// stop trading: the decision is recorded without a hash, which `catalyst session replay` reports as
    /// "not captured", and the failure is logged.
    func storeCapture(_ recording: MarketRecording, day: NYDate) -> String? {
        guard let capture else { return nil }
        do { return try capture.store(recording, day: day) } catch {
            logger.warning(
                "market data capture failed: the decision is recorded without its data hash",
                metadata: ["kind": "\(recording.kind.rawValue)", "error": "\(error)"])
            return nil
        }
    }
}
