import ArgumentParser
import CatalystApp
import EventStore
import Foundation
import Logging
import PostgresClient
import Projections

struct ArchiveBench: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Measure LZ4 archives: export rate, compression ratio, decode speed (run the release build).",
        discussion: """
            Seeds the scratch database catalyst_bench with --events trading-shaped events (~256-byte payloads, 4 concurrent \
            writers, 1–8 events per transaction), seals them, exports them, then measures: LZ4 decompression alone; decoding \
            into RecordedEvent (the replay path); full verification (SHA-256 of files and the hash chain); a full ordered read \
            of the table for comparison; the archive+table continuous read; and, with --import, a restore into \
            catalyst_bench_import.
            """)

    @Option(help: "Events to seed and archive.") var events = 500_000
    @Option(help: "Events per segment file.") var segmentEvents = 100_000
    @Option(help: "Events appended after the export, read through the archive+table reader.") var tail = 50_000
    @Flag(name: .customLong("import"), help: "Also measure a restore into a second scratch database.") var measureImport = false
    @Option(help: "Only measure decompression, decoding and verification of this existing archive (no database).") var archive: String?
    @Option(help: "With --archive: lz4, decode, verify or all.") var phase = "all"

    func execute(_ configuration: CatalystConfiguration) async throws {
        if let archive {
            let dir = URL(fileURLWithPath: archive)
            try Self.measureReading(dir, manifest: try ArchiveManifest.load(from: dir), phase: phase)
            return
        }
        let db = try await BenchDatabase.fresh(configuration: configuration)
        // Seeding is not what is measured: commit asynchronously so it does not wait for the disk.
        let pool = PGPool(conninfo: db.conninfo, size: 4, name: "bench") { c in try c.execute("SET synchronous_commit = off") }
        let store = PostgresEventStore(pool: pool)
        print("archive benchmark: \(events) events, scratch database \(BenchDatabase.name)")

        var sw = Stopwatch()
        try await seed(store, count: events, seed: 42, progress: configuration.progress)
        print("seeded                     \(rate(events, sw.seconds))")
        let files = try configuration.files
        let sealer = try ProjectionCatalog.engines(
            [AuditSealProjection()], files: files, conninfo: db.conninfo, waker: LogWaker(conninfo: nil), logger: Logger(label: "bench"))[0]
        sw = Stopwatch()
        try await sealer.rebuildNow()
        print("sealed (audit_seal)        \(rate(events, sw.seconds))")

        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("catalyst-bench-archive-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.nyDate(daysFromNow: 2)
        let options = ArchiveExporter.Options(before: before, directory: dir, eventsPerSegment: segmentEvents)
        let exportCPU = CPUClock()
        let report = try await PGSession(conninfo: db.conninfo, name: "bench-export").withConnection { c in try ArchiveExporter.export(options, on: c) }
        let exportCPUSeconds = exportCPU.seconds
        let m = report.manifest
        let rawMB = Double(m.uncompressedBytes) / 1e6
        print(
            "export (COPY→chain→LZ4)    \(rate(Int(m.eventCount), report.seconds))  "
                + String(format: "%.0f MB/s of JSON lines; client %.0f ev/s per CPU-second", rawMB / report.seconds, Double(m.eventCount) / exportCPUSeconds))
        print(
            String(
                format: "compression                %.1f MB → %.1f MB, ratio %.2f×, %d segments, %.0f bytes/event raw",
                rawMB, Double(m.compressedBytes) / 1e6, Double(m.uncompressedBytes) / Double(m.compressedBytes), m.segments.count,
                Double(m.uncompressedBytes) / Double(m.eventCount)))

        try Self.measureReading(dir, manifest: m)

        sw = Stopwatch()
        var cursor = LogCursor.start
        var tableCount = 0
        while true {
            let batch = try await store.readAll(after: cursor, limit: 10_000)
            guard let last = batch.last else { break }
            tableCount += batch.count
            cursor = last.cursor
        }
        print("table read, for comparison \(rate(tableCount, sw.seconds))")

        try await seed(store, count: tail, seed: 7, progress: configuration.progress)
        sw = Stopwatch()
        var iterator = try await ContinuousLog.open(archives: [dir], store: store).makeAsyncIterator()
        var combined = 0
        while let batch = try await iterator.nextBatch() { combined += batch.count }
        let expected = events + tail
        print("archive + table (\(m.eventCount) + \(tail)) \(rate(combined, sw.seconds))\(combined == expected ? "" : "  MISMATCH: expected \(expected)")")

        if measureImport {
            let target = try await BenchDatabase.fresh(name: "catalyst_bench_import", configuration: configuration)
            let restored = try await ArchiveRestore.run(directories: [dir], conninfo: target.conninfo, files: files, logger: Logger(label: "bench"))
            let i = restored.imported
            let inserts = String(format: "verification %.1f s, then inserts at %.0f ev/s", i.verifySeconds, Double(i.events) / (i.seconds - i.verifySeconds))
            print("import (\(i.transactions) transactions) \(rate(Int(i.events), i.seconds))  (\(inserts))")
            print(String(format: "rebuild projections        %.1f s; head hash matches the archive", restored.rebuildSeconds))
        }
    }

    /// LZ4 alone, decoding into `RecordedEvent` (the replay path), and full verification. Each line gives
    /// the wall-clock rate and the rate per CPU-second of this process (the machine is shared, and wall
    /// time on a busy 2-core VM says more about the neighbours than about the code).
    static func measureReading(_ dir: URL, manifest m: ArchiveManifest, phase: String = "all") throws {
        let rawMB = Double(m.uncompressedBytes) / 1e6
        for run in 1...3 where phase == "all" || phase == "lz4" {
            let sw = Stopwatch(), cpu = CPUClock()
            var bytes: Int64 = 0
            for s in m.segments {
                let r = try LZ4FrameReader(path: dir.appendingPathComponent(s.file).path)
                while try r.next() != nil {}
                bytes += r.uncompressedBytes
            }
            let mb = Double(bytes) / 1e6
            print(String(format: "LZ4 decompress only, run %d  %8.0f MB/s wall, %5.0f MB/s per CPU-second", run, mb / sw.seconds, mb / cpu.seconds))
        }
        for run in 1...3 where phase == "all" || phase == "decode" {
            let sw = Stopwatch(), cpu = CPUClock()
            let reader = try ArchiveReader(directory: dir, decodeHashes: false)
            var n = 0
            while let batch = try reader.nextEvents() { n += batch.count }
            let (s, c) = (sw.seconds, cpu.seconds)
            print(
                "decode to RecordedEvent, run \(run)  \(rate(n, s))  "
                    + String(format: "%.0f MB/s wall; per CPU-second: %.0f ev/s, %.0f MB/s", rawMB / s, Double(n) / c, rawMB / c))
        }
        guard phase == "all" || phase == "verify" else { return }
        let sw = Stopwatch(), cpu = CPUClock()
        guard case .ok(let verified) = ArchiveVerifier.verify(directory: dir) else { throw CatalystError.refused("the archive does not verify") }
        let n = Int(verified.eventsChecked)
        print("verify (SHA-256 + chain)   \(rate(n, sw.seconds))  \(String(format: "%.0f ev/s per CPU-second", Double(n) / cpu.seconds))")
    }

    /// Four concurrent writers appending batches of 1–8 events to rotating streams.
    private func seed(_ store: PostgresEventStore, count: Int, seed: UInt64, progress: CatalystConfiguration.Progress) async throws {
        let writers = 4
        let base = Date(timeIntervalSince1970: 1_795_000_000)
        // Progress from the first writer's share (the writers advance together).
        let bar = ProgressLine("seeding the log", unit: "events", settings: progress)
        defer { bar.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    var gen = ArchiveBenchEvents(seed: seed &* 31 &+ UInt64(w))
                    var written = 0
                    var k = 0
                    let quota = count / writers + (w < count % writers ? 1 : 0)
                    while written < quota {
                        let n = min(1 + (k * 7 + w) % 8, quota - written)
                        let stream = "bench-\(seed)-\(w)-\(k % 997)"
                        _ = try await store.append(to: stream, expected: .any, events: gen.make(stream: stream, count: n, at: base))
                        written += n
                        k += 1
                        if w == 0 { bar.update(done: written * writers, total: count) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Today's New York date plus `days`, as `YYYY-MM-DD`.
    private static func nyDate(daysFromNow days: Int) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "America/New_York")!
        let d = cal.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(Double(days) * 86_400))
        return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
    }
}

/// CPU time consumed by this process since creation (all threads).
struct CPUClock {
    private let start = CPUClock.now()

    var seconds: Double { Self.now() - start }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
