import Foundation
import Testing

@testable import Domain

let codec = EventCodec()

/// Given `events`, when `command`, then exactly `expected` events. Also proves every produced event
/// survives the codec, so a decider can never emit something the log cannot hold.
@discardableResult
func expectDecision<D: Decider>(
    _: D.Type, given events: [D.Event] = [], when command: D.Command, then expected: [D.Event],
    sourceLocation: SourceLocation = #_sourceLocation
) -> D.State where D.Event: LedgerEventConvertible {
    let state = D.fold(events)
    do {
        let produced = try D.decide(command, state)
        #expect(produced == expected, sourceLocation: sourceLocation)
        expectRoundTrip(produced, sourceLocation: sourceLocation)
        return D.fold(produced, from: state)
    } catch {
        Issue.record("unexpected rejection \(error)", sourceLocation: sourceLocation)
        return state
    }
}

/// Given `events`, when `command`, then it is refused with `rejection`.
func expectRejection<D: Decider>(
    _: D.Type, given events: [D.Event] = [], when command: D.Command, then rejection: D.Rejection,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let state = D.fold(events)
    do {
        let produced = try D.decide(command, state)
        Issue.record("expected \(rejection), got \(produced)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == rejection, sourceLocation: sourceLocation)
    }
}

/// Decides and returns the events, recording an issue on rejection.
func decided<D: Decider>(_: D.Type, _ command: D.Command, _ state: D.State, sourceLocation: SourceLocation = #_sourceLocation) -> [D.Event] {
    do {
        return try D.decide(command, state)
    } catch {
        Issue.record("unexpected rejection \(error)", sourceLocation: sourceLocation)
        return []
    }
}

func expectRoundTrip<E: LedgerEventConvertible & Equatable>(_ events: [E], sourceLocation: SourceLocation = #_sourceLocation) {
    for event in events {
        do {
            let encoded = try codec.encode(event)
            let decoded = try codec.decode(E.self, eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, payload: encoded.payload)
            #expect(decoded == event, sourceLocation: sourceLocation)
        } catch {
            Issue.record("codec round trip failed: \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Runs commands in order, folding accepted events; returns the log and the final state.
func run<D: Decider>(_: D.Type, _ commands: [D.Command], from state: D.State = D.initial) -> (events: [D.Event], state: D.State) {
    var s = state
    var log: [D.Event] = []
    for command in commands {
        if let events = try? D.decide(command, s) {
            log += events
            s = D.fold(events, from: s)
        }
    }
    return (log, s)
}
