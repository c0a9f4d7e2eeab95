import Crypto
import Foundation

/// One forward-only schema change: `migrations/NNNN_name.sql`.
public struct Migration: Sendable, Hashable {
    public var name: String
    public var sql: String
    /// SHA-256 of the file's bytes, hex. An applied file whose checksum changes is refused.
    public var checksum: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Loads `NNNN_*.sql` files of a directory in numeric order. Two files with the same number, or a
    /// name that does not start with four digits and an underscore, are errors.
    public static func load(directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        } catch {
            throw MigrationError.directoryMissing(directory.path)
        }
        var numbers: [Int: String] = [:]
        var out: [Migration] = []
        for file in files.sorted() {
            let prefix = file.prefix(5)
            guard prefix.count == 5, prefix.last == "_", let n = Int(prefix.dropLast()) else {
                throw MigrationError.badFileName(file)
            }
            if let other = numbers[n] { throw MigrationError.duplicateNumber(file, other) }
            numbers[n] = file
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            out.append(Migration(name: file, sql: sql))
        }
        return out
    }
}

public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case directoryMissing(String)
    case badFileName(String)
    case duplicateNumber(String, String)
    /// An applied migration's file changed since it was applied.
    case checksumMismatch(name: String, applied: String, file: String)
    /// The database has applied a migration this build does not know (a newer build ran).
    case unknownApplied(String)
    /// Migrations are pending; long-running roles refuse to start.
    case pending([String])

    public var description: String {
        switch self {
        case .directoryMissing(let p): "migrations directory not found at \(p)"
        case .badFileName(let f): "migration file \(f) must be named NNNN_description.sql"
        case .duplicateNumber(let a, let b): "migration files \(a) and \(b) share a number"
        case .checksumMismatch(let name, let applied, let file):
            "migration \(name) was changed after it was applied (applied checksum \(applied.prefix(12))…, file now \(file.prefix(12))…); restore the file and add a new migration instead"
        case .unknownApplied(let name): "the database has migration \(name) applied, which this build does not know; use a newer build"
        case .pending(let names): "\(names.count) migration(s) pending (\(names.joined(separator: ", "))); run `catalyst migrate` first"
        }
    }
}
