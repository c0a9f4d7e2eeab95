import Broker
import Configuration
import Foundation
import Logging
import PostgresClient

/// Everything a `catalyst` process is configured with, resolved once by `@main` from, in rising
/// precedence, `config/catalyst.yaml`, the environment and the command's flags
/// (`CatalystConfiguration+Reader.swift` lists the keys). Secrets come from the environment only.
///
/// Commands and roles receive it; none reads the environment or looks for files itself. Settings whose
/// use can fail (the database, the project folders, the broker keys) keep their error until a command
/// asks for them, so `catalyst indicators` does not fail on a half-set `APCA_*` pair; asking throws the
/// error, naming the key.
///
/// Tests build it in memory: `CatalystConfiguration(environment: ["DATABASE_URL": …])`, or the
/// memberwise parts directly.
public struct CatalystConfiguration: Sendable {
    /// The state folder: the embedded cluster, local keys, backups (`catalyst.home`, default `./.catalyst`).
    public var home: URL
    /// The folder holding `migrations/`, `projections/` and `config/` (nil: searched, see `ProjectFiles`).
    public var share: URL?
    /// `DATABASE_URL` (secret), or nil for the embedded cluster in `home`.
    public var databaseURL: String?
    /// PostgreSQL's server programs for the embedded cluster (`pg.bin`; nil: the newest installed).
    public var postgresBin: URL?
    public var api: API
    public var serve: Serve
    public var log: Log
    public var progress: Progress
    /// The local user's name, given to the owner principal at bootstrap (`user`, i.e. `USER`).
    public var user: String
    /// The Alpaca trading client, nil without keys (the simulated market and paper broker), or the error
    /// of a half configuration.
    public var broker: Result<AlpacaTradingConfiguration?, AlpacaConfigurationError>
    /// Alpaca's market-data host (`apca.data.base.url`; nil: `https://data.alpaca.markets`).
    public var marketDataURL: URL?
    /// `catalyst.account` (`CATALYST_ACCOUNT`): the account of `config/accounts.yaml` this process serves
    /// (`home` is then that account's folder); nil: the one account of a plain installation.
    public var account: String?
    /// `catalyst.read.url` (`CATALYST_READ_URL`, secret): a hot standby of the ledger's database. `catalyst
    /// project` and `serve`'s projectors read the log there and writes projections and checkpoints on the primary.
    public var readURL: String?
    /// `catalyst.capture` (`CATALYST_CAPTURE`, `on` or `off`, default on): live cycles keep the market data
    /// they decided on under `<catalyst.home>/data/captures/`, for `catalyst session replay`.
    public var capture = true
    /// The reader itself, for modules that read their own keys (Doctor's alerts: `SMTPConfiguration.read`).
    public var reader: ConfigReader
    /// Where the resolved values came from, for `catalyst config` and error messages.
    public var sources: [String]

    /// How a front end reaches the API of `catalyst serve`.
    public struct API: Sendable, Equatable {
        /// `catalyst.api.url` (default `http://127.0.0.1:5006`).
        public var url: String
        /// `CATALYST_API_KEY` (secret): overrides the local key files for every front end.
        public var key: String?
        public init(url: String = "http://127.0.0.1:5006", key: String? = nil) {
            self.url = url
            self.key = key
        }
    }

    /// Where `catalyst serve` listens when no flag says otherwise.
    public struct Serve: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String = "127.0.0.1", port: Int = 5006) {
            self.host = host
            self.port = port
        }
    }

    public struct Log: Sendable, Equatable {
        /// `catalyst.log.level`; nil: each role's default (warning for the CLI, notice for `serve`).
        public var level: Logger.Level?
        public init(level: Logger.Level? = nil) { self.level = level }
    }

    /// The progress line of long commands.
    public struct Progress: Sendable, Equatable {
        /// `catalyst.progress` (`off` silences it).
        public var enabled: Bool
        /// `catalyst.progress.every`: seconds between plain lines when stderr is not a terminal.
        public var every: TimeInterval
        public init(enabled: Bool = true, every: TimeInterval = 5) {
            self.enabled = enabled
            self.every = every
        }
    }

    public init(
        home: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".catalyst"), share: URL? = nil,
        databaseURL: String? = nil, postgresBin: URL? = nil, api: API = API(), serve: Serve = Serve(), log: Log = Log(),
        progress: Progress = Progress(), user: String = "owner", broker: Result<AlpacaTradingConfiguration?, AlpacaConfigurationError> = .success(nil),
        marketDataURL: URL? = nil, reader: ConfigReader = ConfigReader(provider: InMemoryProvider(values: [:])), sources: [String] = []
    ) {
        self.home = home
        self.share = share
        self.databaseURL = databaseURL
        self.postgresBin = postgresBin
        self.api = api
        self.serve = serve
        self.log = log
        self.progress = progress
        self.user = user
        self.broker = broker
        self.marketDataURL = marketDataURL
        self.reader = reader
        self.sources = sources
    }

    /// The recorded market data (`catalyst data backfill`) and live captures: `<catalyst.home>/data`.
    public var dataset: MarketDataset { MarketDataset(root: home.appendingPathComponent("data")) }

    /// The ledger's database: `DATABASE_URL`, else the embedded cluster in `home`. Throws on a malformed URL.
    public var database: DatabaseTarget {
        get throws { try DatabaseTarget(url: databaseURL, home: home, postgresBin: postgresBin) }
    }

    /// The database after checking that it answers and its migrations are applied (`requireMigrated`):
    /// what every command that reads or writes the ledger starts with.
    public func migratedDatabase(logger: Logger? = nil, checkTransactionIDs: Bool = true) async throws -> DatabaseTarget {
        let target = try database
        try await target.requireMigrated(files: try files, logger: logger, checkTransactionIDs: checkTransactionIDs)
        return target
    }

    /// The project's folders. Throws when none is found.
    public var files: ProjectFiles {
        get throws { try ProjectFiles.locate(share: share) }
    }

    /// The Alpaca settings when keys are set; throws on a half configuration.
    public var alpaca: AlpacaTradingConfiguration? {
        get throws { do { return try broker.get() } catch { throw CatalystError.setup("\(error)") } }
    }

    /// Whether either broker key is set (a half configuration counts: `alpaca` then refuses it, never
    /// silently simulating).
    public var hasBrokerKeys: Bool {
        switch broker {
        case .success(let found): found != nil
        case .failure: true
        }
    }

    /// The local key files and the `CATALYST_API_KEY` override.
    public var credentials: LocalCredentials {
        LocalCredentials(folder: home.appendingPathComponent("credentials"), override: api.key, ownerName: user)
    }
}

/// A configuration printed anywhere (a log line, an error, `dump`) shows which secrets are set, never
/// their values; `DATABASE_URL` appears with its password redacted.
extension CatalystConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Every setting as `key: value`, secrets as `<set>` or `<unset>`: what `catalyst config` prints.
    public var settings: [(key: String, value: String)] {
        func secret(_ value: String?) -> String { value == nil ? "<unset>" : "<set>" }
        var out: [(String, String)] = [
            ("catalyst.home", home.path), ("catalyst.share", (try? files.root.path) ?? "<not found>"),
            ("database.url", databaseURL.map { PGConnectionString.redact($0) } ?? "<unset: the embedded cluster in catalyst.home>"),
            ("pg.bin", postgresBin?.path ?? "<newest installed>"), ("catalyst.api.url", api.url), ("catalyst.api.key", secret(api.key)),
            ("catalyst.serve.host", serve.host), ("catalyst.serve.port", String(serve.port)),
            ("catalyst.log.level", log.level?.rawValue ?? "<the role's default>"), ("catalyst.progress", progress.enabled ? "on" : "off"),
            ("catalyst.progress.every", String(progress.every)), ("user", user),
        ]
        switch broker {
        case .success(nil): out.append(("apca.api.key.id", "<unset: the simulated market and the paper broker>"))
        case .success(let alpaca?):
            out += [("apca.api.key.id", "<set>"), ("apca.api.secret.key", "<set>"), ("apca.api.base.url", alpaca.baseURL.absoluteString)]
        case .failure(let error): out.append(("apca.api.key.id", "<refused: \(error)>"))
        }
        out.append(("apca.data.base.url", marketDataURL?.absoluteString ?? "https://data.alpaca.markets"))
        return out
    }

    public var description: String {
        "CatalystConfiguration(" + settings.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: settings.map { (label: $0.key, value: $0.value as Any) }) }
}
