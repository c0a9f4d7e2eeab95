import Domain
import EventStore
import Foundation

/// The command loop for one aggregate: load the stream, decide, append with the expected version; on a
/// conflict, reload and decide again, a bounded number of times.
public struct DeciderRunner: Sendable {
    public let log: EventLog
    public var maxAttempts = 5

    public init(log: EventLog) { self.log = log }

    public struct Outcome<D: Decider>: Sendable where D.State: Sendable {
        /// The events this command appended (empty for an idempotent retry).
        public var events: [D.Event]
        public var state: D.State
        public var receipt: AppendReceipt?
    }

    /// Runs `decide` against the stream's current state; a refusal is thrown as the decider's own
    /// rejection, `CommandRejected<D.Rejection>`. `makeCommand` sees that state, so a handler can
    /// read what it needs from it (and it is re-run after a conflict).
    public func run<D: Decider>(
        _ decider: D.Type, _ stream: StreamName, context: CommandContext, configHash: String? = nil,
        _ makeCommand: @Sendable (D.State) throws -> D.Command
    ) async throws -> Outcome<D> where D.Event: LedgerEventConvertible {
        for _ in 0..<maxAttempts {
            let loaded = try await log.load(decider, stream)
            let command = try makeCommand(loaded.state)
            let events: [D.Event]
            do {
                events = try D.decide(command, loaded.state)
            } catch {
                throw CommandRejected(error)
            }
            if events.isEmpty { return Outcome(events: [], state: loaded.state, receipt: nil) }
            var batch = LedgerBatch()
            batch.add(stream, expected: loaded.expected, events)
            switch try await log.append(batch, context: context, configHash: configHash) {
            case .appended(let r):
                return Outcome(events: events, state: D.fold(events, from: loaded.state), receipt: r)
            case .alreadyAppended(let r):
                // A command id the store saw on other streams is not a retry of this command: say so, rather
                // than report this stream's state as its effect (a seeded id stream reused after a restart did).
                if !r.streamVersions.isEmpty && r.streamVersions[stream.rawValue] == nil {
                    throw ApplicationError.refused(
                        code: "command_id_reused",
                        message: "command \(context.commandID) was recorded before on \(r.streamVersions.keys.sorted().joined(separator: ", ")); nothing was appended to \(stream)")
                }
                // The same command ran before: its effect is in the stream; report the current state.
                let now = try await log.load(decider, stream)
                return Outcome(events: [], state: now.state, receipt: r)
            case .conflict:
                continue
            }
        }
        throw ApplicationError.contention(stream: stream.rawValue)
    }
}
