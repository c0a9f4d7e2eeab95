import Crypto
import Foundation

/// The SQL of one projection, read from `projections/<name>/`:
/// - `schema.sql`: its tables, with the keys its fold looks rows up by and upserts on, created inside the
///   projection's own schema;
/// - `indexes.sql` (optional): the indexes only readers use, built once over the finished tables at the end
///   of a rebuild, before the swap (one sorted build instead of an index entry per row written);
/// - `views.sql`: the views in `public` that readers query (recreated at every swap);
/// - `README.md`: the events it consumes (documentation only).
///
/// The checksum covers the SQL files and the code version; any change triggers a rebuild.
public struct ProjectionDefinition: Sendable, Hashable {
    public var name: String
    public var schemaSQL: String
    public var indexesSQL: String
    public var viewsSQL: String
    public var codeVersion: Int

    public init(name: String, schemaSQL: String, indexesSQL: String = "", viewsSQL: String, codeVersion: Int) {
        self.name = name
        self.schemaSQL = schemaSQL
        self.indexesSQL = indexesSQL
        self.viewsSQL = viewsSQL
        self.codeVersion = codeVersion
    }

    public static func load(_ projection: some Projection, from directory: URL) throws -> ProjectionDefinition {
        let dir = directory.appendingPathComponent(projection.name)
        func read(_ file: String) throws -> String {
            let url = dir.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { return "" }
            return try String(contentsOf: url, encoding: .utf8)
        }
        let schema = try read("schema.sql")
        guard !schema.isEmpty else {
            throw ProjectionRuntimeError.definitionMissing("\(dir.path)/schema.sql")
        }
        return ProjectionDefinition(
            name: projection.name, schemaSQL: schema, indexesSQL: try read("indexes.sql"), viewsSQL: try read("views.sql"),
            codeVersion: projection.codeVersion)
    }

    public var checksum: String {
        var h = SHA256()
        h.update(data: Data("v\(codeVersion)\n".utf8))
        h.update(data: Data(schemaSQL.utf8))
        if !indexesSQL.isEmpty {
            h.update(data: Data("\n--indexes--\n".utf8))
            h.update(data: Data(indexesSQL.utf8))
        }
        h.update(data: Data("\n--views--\n".utf8))
        h.update(data: Data(viewsSQL.utf8))
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    public var liveSchema: String { "proj_\(name)" }
    public var shadowSchema: String { "proj_\(name)_next" }
    var retiredSchema: String { "proj_\(name)_old" }
}

public enum ProjectionRuntimeError: Error, CustomStringConvertible, Sendable {
    case definitionMissing(String)
    case unknownProjection(String)
    case failed(name: String, error: String)
    case timedOut(String)
    case checkpointMovedUnderneath(String)
    /// The event a checkpoint stands on is not in the log any more (a failover lost it, or the log was
    /// replaced): following on would fold a forked history. Rebuild the projection once the log is right.
    case forkedTimeline(name: String, checkpoint: String)

    public var description: String {
        switch self {
        case .definitionMissing(let path): "projection definition not found: \(path)"
        case .unknownProjection(let n): "unknown projection \(n)"
        case .failed(let name, let error): "projection \(name) failed: \(error)"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .checkpointMovedUnderneath(let n): "checkpoint of \(n) moved while this instance held the lock"
        case .forkedTimeline(let n, let checkpoint):
            "projection \(n) stopped: the log no longer holds the event its checkpoint stands on (\(checkpoint)); the timeline forked "
                + "(a failover lost committed events, or the log was replaced). Check the log, then `catalyst projections rebuild \(n)`"
        }
    }
}
