import Domain
import Foundation

/// Turns decisions into append batches: decides a command on an aggregate's state, folds the events
/// into it, and collects them with their metadata (correlation, causation, command id, actor) until
/// `commit()` closes the batch. The simulator is built on it; tests use it to write exact scenarios.
///
/// ```swift
/// var r = DecisionRecorder(seed: 1)
/// var day = Risk.initial
/// try r.decide(Risk.self, .openDay(open), &day, on: Risk.stream(account: a, date: d))
/// r.commit()
/// let batches = r.takeBatches()
/// ```
public struct DecisionRecorder {
    var rng: SeededRandom
    public var correlation: UUID
    public var actor: Actor = .system
    var pending: [SimulatedEvent] = []
    var pendingCommand: UUID?
    var batches: [SimulatedBatch] = []
    public private(set) var eventCount = 0

    public init(seed: UInt64) {
        rng = SeededRandom(seed: seed ^ 0x5EED)
        correlation = rng.uuid()
    }

    /// A fresh correlation id (a new workflow starts).
    public mutating func newCorrelation() { correlation = rng.uuid() }

    /// Decides `command` on `state`; the events join the open batch and `state` moves on.
    @discardableResult
    public mutating func decide<D: Decider>(
        _: D.Type, _ command: D.Command, _ state: inout D.State, on stream: StreamName, _ what: @autoclosure () -> String = "command"
    ) throws -> [D.Event] where D.Event: LedgerEventConvertible {
        let events: [D.Event]
        do {
            events = try D.decide(command, state)
        } catch {
            throw SimulationError(description: "\(what()) on \(stream) refused: \(error)")
        }
        state = D.fold(events, from: state)
        record(events, on: stream)
        return events
    }

    /// Adds events decided elsewhere (e.g. `Order.decideReplace`, which spans two streams).
    public mutating func record<E: LedgerEventConvertible>(_ events: [E], on stream: StreamName) {
        if !events.isEmpty, pendingCommand == nil { pendingCommand = rng.uuid() }
        for event in events {
            let metadata = EventMetadata(
                correlationID: correlation, causationID: pending.last?.eventID ?? pendingCommand, commandID: pendingCommand, actor: actor,
                codeVersion: "sim-1")
            pending.append(SimulatedEvent(eventID: rng.uuid(), stream: stream, event: event.ledgerEvent, metadata: metadata))
        }
    }

    /// Closes the open batch: everything since the last commit is appended atomically.
    public mutating func commit() {
        guard !pending.isEmpty, let command = pendingCommand else { return }
        batches.append(SimulatedBatch(commandID: command, events: pending))
        eventCount += pending.count
        pending = []
        pendingCommand = nil
    }

    /// The committed batches so far (and forgets them).
    public mutating func takeBatches() -> [SimulatedBatch] {
        commit()
        defer { batches = [] }
        return batches
    }

    /// A reproducible id for anything else the caller needs.
    public mutating func uuid() -> UUID { rng.uuid() }
}
