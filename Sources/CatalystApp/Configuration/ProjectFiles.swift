import Foundation

/// Finds the project's non-Swift folders (`migrations/`, `projections/`, `config/`) at run time.
///
/// Search order: the `catalyst.share` setting (`CATALYST_SHARE`, a folder that contains them), then the current directory and its
/// parents, then the executable's folder and its parents (covers `.build/debug/catalyst` in a checkout
/// and `<prefix>/bin/catalyst` next to `<prefix>/share/catalyst`).
public struct ProjectFiles: Sendable {
    public let root: URL

    public var migrations: URL { root.appendingPathComponent("migrations") }
    public var projections: URL { root.appendingPathComponent("projections") }
    public var config: URL { root.appendingPathComponent("config") }

    /// The workflow lines of `tools/catalyst.cron` (what a session follows), or a setup error naming the file.
    public func crontab() throws -> String {
        let url = root.appendingPathComponent("tools/catalyst.cron")
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw CatalystError.setup("cannot read \(url.path): a session follows its workflow lines (set CATALYST_SHARE to the project folder)")
        }
    }

    public init(root: URL) { self.root = root }

    public static func locate(share: URL?) throws -> ProjectFiles {
        var candidates: [URL] = []
        if let share { candidates.append(share) }
        candidates += ancestors(of: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in ancestors(of: exe) {
            candidates.append(dir)
            candidates.append(dir.appendingPathComponent("share/catalyst"))
        }
        for c in candidates where FileManager.default.fileExists(atPath: c.appendingPathComponent("migrations").path) {
            return ProjectFiles(root: c)
        }
        throw CatalystError.setup("cannot find the migrations/ folder; run from the checkout or set CATALYST_SHARE")
    }

    private static func ancestors(of url: URL) -> [URL] {
        var out: [URL] = []
        var cur = url.standardizedFileURL
        for _ in 0..<8 {
            out.append(cur)
            let parent = cur.deletingLastPathComponent()
            if parent.path == cur.path { break }
            cur = parent
        }
        return out
    }
}

/// A failure to report to the user as one line, with a non-zero exit.
public enum CatalystError: Error, CustomStringConvertible {
    case setup(String)
    case invalidInput(field: String, reason: String)
    case refused(String)

    public var description: String {
        switch self {
        case .setup(let s): s
        case .invalidInput(let field, let reason): "invalid \(field): \(reason)"
        case .refused(let s): s
        }
    }
}
