import CLibPQ
import Foundation

/// Validation and redaction of connection strings, so a malformed `DATABASE_URL` gives a one-line error
/// and no password ever reaches a log line.
public enum PGConnectionString {
    /// Parses the string the way libpq will; throws a readable error if it is malformed.
    public static func validate(_ conninfo: String) throws(PGError) {
        if conninfo.contains("://") && !(conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://")) {
            throw PGError(.usage, message: "malformed database URL: the scheme must be postgresql:// or postgres://")
        }
        var err: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(conninfo, &err)
        if let options { PQconninfoFree(options) }
        if let err {
            let msg = String(cString: err).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfreemem(err)
            throw PGError(.usage, message: "malformed database URL: \(redact(msg))")
        }
        if options == nil { throw PGError(.usage, message: "malformed database URL") }
    }

    /// How many servers the string names (`host=a,b`, or `postgresql://a:1,b:2/db`), as libpq reads it: more
    /// than one means libpq may find the primary on another host after a failover. 1 for a malformed string.
    public static func hostCount(_ conninfo: String) -> Int {
        guard let options = PQconninfoParse(conninfo, nil) else { return 1 }
        defer { PQconninfoFree(options) }
        return hostCount(options)
    }

    /// The largest host list among `host` and `hostaddr` of parsed libpq options.
    static func hostCount(_ options: UnsafeMutablePointer<PQconninfoOption>) -> Int {
        var count = 1
        var i = 0
        while let keyword = options[i].keyword {
            let name = String(cString: keyword)
            if name == "host" || name == "hostaddr", let value = options[i].val {
                count = max(count, String(cString: value).split(separator: ",", omittingEmptySubsequences: false).count)
            }
            i += 1
        }
        return count
    }

    /// Replaces the password of a URL or key/value connection string with `***`.
    public static func redact(_ text: String) -> String {
        var out = text
        // URL form: scheme://user:password@host
        if let regex = try? NSRegularExpression(pattern: #"(://[^:/@\s]*:)[^@\s]*@"#) {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***@")
        }
        // key=value form: password=secret
        if let regex = try? NSRegularExpression(pattern: #"(password\s*=\s*)('[^']*'|\S+)"#, options: [.caseInsensitive]) {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***")
        }
        return out
    }
}
