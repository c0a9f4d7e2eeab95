import CatalystTestKit
import EmbeddedPostgres
import EventStore
import Foundation
import PostgresClient
import Synchronization
import Testing

/// The failover drill on a real pg_auto_failover formation (a monitor and two synchronous nodes on
/// loopback): writers append through the multi-host URL, the primary is SIGKILLed mid-stream, the monitor
/// promotes the standby, and every acknowledged command must be on the new primary exactly once.
@Suite(.serialized) struct FailoverDrillTests {
    @Test func killingThePrimaryLosesNoAcknowledgedCommandAndDuplicatesNone() async throws {
        guard TestFormation.available else {
            print("skipped: pg_auto_failover is not installed (tools/install-deps.sh --test installs it)")
            return
        }
        try await TestFormation.with("ha-drill") { formation, _ in try await drill(formation) }
    }

    private func drill(_ formation: HAFormation) async throws {
        let protected = try await TestFormation.replication(formation)
        #expect(protected.isPrimary && protected.multiHost && protected.synchronous && !protected.writesUnprotected, "\(protected)")

        let store = PostgresEventStore(conninfo: formation.databaseURL, connections: 4)
        #expect(store.failoverWindow == PostgresEventStore.highAvailabilityWindow, "a multi-host URL rides out a failover")
        let writers = 4
        let perWriter = 60
        let log = DrillLog()
        let killed = try await withThrowingTaskGroup(of: String?.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        let command = UUID()
                        let event = NewEvent(
                            eventID: UUID(), streamID: "drill-\(w)", eventType: "drill.appended", schemaVersion: 1, payload: Data(#"{"i":\#(i)}"#.utf8),
                            metadata: Data(#"{"writer":\#(w)}"#.utf8), occurredAt: Date())
                        let sent = ContinuousClock.now
                        let result = try await store.append(AppendRequest(events: [event], expectations: ["drill-\(w)": .any], commandID: command))
                        guard let receipt = result.receipt else { throw DrillFailure("append \(w)/\(i) was not acknowledged: \(result)") }
                        log.acknowledge(command, at: receipt.positions[0], sent: sent)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return nil
                }
            }
            group.addTask {
                // Mid-stream: once a third of the commands are acknowledged.
                while log.state.withLock({ $0.acknowledged.count }) < writers * perWriter / 3 { try await Task.sleep(for: .milliseconds(20)) }
                let name = try await formation.killPrimary()
                log.state.withLock { $0.killedAt = .now }
                return name
            }
            var name: String?
            for try await n in group { name = name ?? n }
            return name
        }
        let (acks, killedAt, firstAfterKill) = log.state.withLock { ($0.acknowledged, $0.killedAt, $0.firstAfterKill) }
        #expect(acks.count == writers * perWriter)
        let failover = try #require(firstAfterKill) - (try #require(killedAt))
        print("failover drill: killed \(killed ?? "?"); first acknowledged write \(failover) after the kill")

        // Every acknowledged command is in the surviving log exactly once, with the position it was told.
        let survivor = PGSession(conninfo: formation.databaseURL, name: "drill-check")
        let (commands, events, duplicates) = try await survivor.withConnection { c -> ([UUID: Int64], Int64, Int64) in
            let r = try c.query("SELECT command_id::text, positions[1] FROM command_log")
            var out: [UUID: Int64] = [:]
            for i in 0..<r.rowCount { out[r.uuid(i, 0)!] = r.int64(i, 1)! }
            let n = try c.query("SELECT count(*) FROM events WHERE event_type = 'drill.appended'").int64(0, 0) ?? -1
            let dup = try c.query(
                "SELECT count(*) FROM (SELECT stream_id, payload->>'i' FROM events WHERE event_type = 'drill.appended' GROUP BY 1, 2 HAVING count(*) > 1) d"
            ).int64(0, 0) ?? -1
            return (out, n, dup)
        }
        await survivor.close()
        let lost = acks.filter { commands[$0.key] != $0.value }
        #expect(lost.isEmpty, "acknowledged and then lost, or at another position: \(lost.count)")
        #expect(events == Int64(writers * perWriter), "each command appended exactly once")
        #expect(duplicates == 0)

        // Alone, the new primary takes writes without a synchronous standby (pg_auto_failover's wait_primary):
        // what Doctor's WRITES_UNPROTECTED and /health report.
        let alone = try await TestFormation.replication(formation)
        #expect(alone.isPrimary && alone.writesUnprotected, "\(alone)")

        // The killed node comes back as the new primary's synchronous standby.
        try await formation.restart(try #require(killed))
        try await formation.waitHealthy(timeout: 120)
        let roles = try await formation.nodes()
        #expect(roles.first { $0.name == killed }?.reportedState == "secondary", "\(roles)")
        let again = try await TestFormation.replication(formation)
        #expect(again.synchronous && !again.writesUnprotected, "\(again)")
    }
}

/// What the drill's concurrent writers and its killer report, under one lock.
final class DrillLog: Sendable {
    struct State {
        var acknowledged: [UUID: Int64] = [:]
        var killedAt: ContinuousClock.Instant?
        var firstAfterKill: ContinuousClock.Instant?
    }

    let state = Mutex(State())

    /// A command acknowledged at `position`. The first one *sent* after the kill marks the failover's end: it
    /// can only have committed on the new primary (one sent before may have committed on the old one and
    /// merely been answered late).
    func acknowledge(_ command: UUID, at position: Int64, sent: ContinuousClock.Instant) {
        state.withLock { s in
            s.acknowledged[command] = position
            if let killed = s.killedAt, sent > killed, s.firstAfterKill == nil { s.firstAfterKill = .now }
        }
    }
}

struct DrillFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
