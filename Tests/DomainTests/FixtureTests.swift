import Foundation
import Testing

@testable import Domain

/// Golden fixtures: one stored payload per event type and readable schema version, named
/// `<event_type>.v<version>.json`. They must decode forever; change an event only with a new schema
/// version and an upcaster. `UPDATE_FIXTURES=1 swift test --filter FixtureTests` writes the fixtures
/// that are missing (it never overwrites one).
@Suite struct FixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ eventType: String, _ version: Int) -> URL { directory.appendingPathComponent("\(eventType).v\(version).json") }

    @Test func missingFixturesAreWrittenWhenAsked() throws {
        guard ProcessInfo.processInfo.environment["UPDATE_FIXTURES"] == "1" else { return }
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for event in Samples.all {
            let url = Self.url(event.eventType, event.schemaVersion)
            guard !FileManager.default.fileExists(atPath: url.path) else { continue }
            let payload = try codec.encode(event).payload
            let value = try JSONDecoder().decode(JSONValue.self, from: payload)
            try pretty.encode(value).write(to: url)
        }
    }

    @Test func everyEventTypeAndReadableVersionHasAFixture() {
        for info in EventCodec.catalogue {
            for version in info.readableVersions {
                #expect(FileManager.default.fileExists(atPath: Self.url(info.eventType, version).path), "no fixture for \(info.eventType) v\(version)")
            }
        }
    }

    @Test func everyFixtureDecodes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= EventCodec.catalogue.count)
        for file in files {
            let name = file.dropLast(".json".count)
            guard let dot = name.range(of: ".v", options: .backwards), let version = Int(name[dot.upperBound...]) else {
                Issue.record("badly named fixture \(file)")
                continue
            }
            let eventType = String(name[..<dot.lowerBound])
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(file))
            do {
                let event = try codec.decode(eventType: eventType, schemaVersion: version, payload: data)
                #expect(event.eventType == eventType)
            } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }

    @Test func currentVersionFixturesDecodeToTheSamples() throws {
        var seen: Set<String> = []
        for event in Samples.all where seen.insert(event.eventType).inserted {
            let url = Self.url(event.eventType, event.schemaVersion)
            guard let data = try? Data(contentsOf: url) else { continue }
            #expect(try codec.decode(eventType: event.eventType, schemaVersion: event.schemaVersion, payload: data) == event, "\(url.lastPathComponent)")
        }
    }
}

extension FixtureTests {
    @Test func theV1CycleStartedFixtureUpcastsToTheCurrentShape() throws {
        let data = try Data(contentsOf: Self.url("cycle.started", 1))
        guard case .cycle(.started(let started)) = try codec.decode(eventType: "cycle.started", schemaVersion: 1, payload: data) else {
            Issue.record("not a cycle start")
            return
        }
        #expect(started.mode == .normal)
        #expect(started.sessionMode == .autonomous)
        #expect(started.idempotencyKey == "2026-03-09/market-open")
        #expect(started.riskPerTrade == nil)
    }
}
