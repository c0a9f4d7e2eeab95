import EventStore
import Foundation
import Logging
import Projections

/// Every projection the ledger runs, in one place: `catalyst project` runs them all, `--only` one.
public enum ProjectionCatalog {
    public static func all() -> [any Projection] {
        [
            AuditSealProjection(), OrdersProjection(), PositionsProjection(), CyclesProjection(), CandidatesProjection(), RiskProjection(),
            PipelineStatusProjection(), PerformanceProjection(), EventIndexProjection(), DoctorActivityProjection(), PrincipalsProjection(),
        ]
    }

    public static var names: [String] { all().map(\.name) }

    public static func named(_ name: String) throws -> any Projection {
        guard let p = all().first(where: { $0.name == name }) else {
            throw CatalystError.invalidInput(field: "projection", reason: "unknown projection \(name); known: \(names.joined(separator: ", "))")
        }
        return p
    }

    /// Engines for the given projections, reading their SQL from `projections/`.
    public static func engines(
        _ projections: [any Projection], files: ProjectFiles, conninfo: String, waker: LogWaker, logger: Logger
    ) throws -> [ProjectorEngine] {
        try projections.map { p in
            ProjectorEngine(
                projection: p, definition: try ProjectionDefinition.load(p, from: files.projections), conninfo: conninfo, waker: waker, logger: logger)
        }
    }
}
