import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

struct Projections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and rebuild projections.", subcommands: [Status.self, Rebuild.self])

    struct Status: CatalystCommand {
        static let configuration = CommandConfiguration(abstract: "Position, lag (events and seconds) and state of each projection.")
        @Flag(help: "Print JSON.") var json = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            let target = try await configuration.migratedDatabase()
            let names = ProjectionCatalog.names
            let rows = try await target.session("catalyst").withConnection { c in try ProjectionStatusReport.load(names: names, on: c) }
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try enc.encode(rows), as: UTF8.self))
                return
            }
            print("projection".padding(toLength: 22, withPad: " ", startingAt: 0) + "state         position   lag(events)  lag(s)   applied")
            for r in rows {
                let line = r.name.padding(toLength: 22, withPad: " ", startingAt: 0) + r.state.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%10lld %12lld %8.1f %9lld", r.position, r.lagEvents, r.lagSeconds, r.eventsApplied)
                print(line)
                if let e = r.error { print("    error at position \(r.errorPosition.map(String.init) ?? "?"): \(e)") }
            }
        }
    }

    struct Rebuild: CatalystCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild a projection (or --all) into shadow tables and swap it in; returns when the rebuilt tables are live.",
            discussion: "The current tables keep serving during the rebuild. If a projector holds the projection, the command waits for it.")
        @Argument(help: "The projection to rebuild.") var name: String?
        @Flag(help: "Rebuild every projection.") var all = false

        func execute(_ configuration: CatalystConfiguration) async throws {
            guard all != (name != nil) else { throw ValidationError("give a projection name or --all") }
            let target = try configuration.database
            let files = try configuration.files
            try await target.requireMigrated(files: files)
            let projections = all ? ProjectionCatalog.all() : [try ProjectionCatalog.named(name!)]
            let logger = Logger(label: "catalyst.rebuild")
            for engine in try ProjectionCatalog.engines(projections, files: files, conninfo: target.conninfo, waker: LogWaker(conninfo: nil), logger: logger) {
                let started = Date()
                // A running projector holds the lock: ask it to rebuild; otherwise this process does it.
                let session = target.session("catalyst")
                let name = engine.definition.name
                let held = try await session.withConnection { c in try ProjectionLock.isHeldElsewhere(name: name, on: c) }
                await session.close()
                if held {
                    try await target.session("catalyst").withConnection { c in try ProjectionStatusReport.requestRebuild(name: engine.definition.name, on: c) }
                    try await waitUntilLive(engine.definition.name, since: started, target: target)
                } else {
                    let head = Int(try await target.store().head().maxPosition)
                    let bar = ProgressLine("rebuilding \(engine.definition.name)", unit: "events", settings: configuration.progress)
                    try await engine.rebuildNow { position in bar.update(done: Int(position), total: head) }
                    bar.finish(done: head, total: head)
                }
                print(String(format: "rebuilt %@ in %.1f s", engine.definition.name, Date().timeIntervalSince(started)))
            }
        }

        private func waitUntilLive(_ name: String, since: Date, target: DatabaseTarget) async throws {
            let session = target.session("rebuild-wait")
            while true {
                let live = try await session.withConnection { c in try ProjectionStatusReport.liveSince(name: name, on: c) }
                if let live, live > since { return }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
