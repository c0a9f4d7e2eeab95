import Broker
import Configuration
import Foundation
import Logging
import SystemPackage
import Yams

extension CatalystConfiguration {
    /// Builds the configuration of one process with Apple's swift-configuration: the command's flags
    /// first, then the environment, then the settings file. The key of every setting is its environment
    /// variable, lowercased, with dots for underscores (`CATALYST_API_URL` is `catalyst.api.url`); the
    /// settings file nests the same keys (`catalyst: {api: {url: …}}`).
    ///
    /// ## Configuration keys
    /// Read before the settings file (from flags and the environment only):
    /// - `catalyst.share` (`CATALYST_SHARE`): the folder holding `migrations/`, `projections/`, `config/`.
    /// - `catalyst.config` (`CATALYST_CONFIG`): the settings file (default `config/catalyst.yaml`; an
    ///   explicit path must exist).
    ///
    /// Secrets, from the environment only (a settings file naming one is refused):
    /// - `database.url` (`DATABASE_URL`): the ledger's PostgreSQL; unset, the embedded cluster in `catalyst.home`.
    /// - `catalyst.read.url` (`CATALYST_READ_URL`): a hot standby `catalyst project` reads the log from.
    /// - `catalyst.account` (`CATALYST_ACCOUNT`): one account of `config/accounts.yaml`; its state folder is
    ///   `<catalyst.home>/accounts/<name>` and its database the one the file names (`AccountsFile`).
    /// - `catalyst.api.key` (`CATALYST_API_KEY`): the key every front end presents, instead of the local files.
    /// - `apca.api.key.id`, `apca.api.secret.key`: Alpaca's keys (`AlpacaTradingConfiguration.read`).
    /// - `smtp.username`, `smtp.password`: Doctor's mail login (`SMTPConfiguration.read`).
    ///
    /// Everything else, from any layer:
    /// - `catalyst.home` (`CATALYST_HOME`, default `./.catalyst`): the state folder.
    /// - `pg.bin` (`PG_BIN`): PostgreSQL's server programs (default: the newest under `/usr/lib/postgresql`).
    /// - `catalyst.api.url` (`CATALYST_API_URL`, default `http://127.0.0.1:5006`): the API front ends call.
    /// - `catalyst.serve.host`, `catalyst.serve.port` (`--host`, `--port`; default `127.0.0.1`, 5006).
    /// - `catalyst.log.level` (`CATALYST_LOG_LEVEL`): trace, debug, info, notice, warning, error or critical.
    /// - `catalyst.progress` (`CATALYST_PROGRESS`, `off` silences progress) and `catalyst.progress.every`
    ///   (`CATALYST_PROGRESS_EVERY`, seconds between plain progress lines, default 5). A YAML map cannot
    ///   hold both a value and children, so set `catalyst.progress` in the environment.
    /// - `user` (`USER`): the owner principal's name at bootstrap.
    /// - `catalyst.capture` (`CATALYST_CAPTURE`, `on`/`off`, default on): live cycles keep the market data
    ///   they decided on (`data/captures/`), for `catalyst session replay`.
    /// - `apca.api.base.url`, `apca.data.base.url`, `catalyst.broker.*`: Alpaca's hosts and the client's
    ///   patience (`AlpacaTradingConfiguration.read`).
    /// - `smtp.host`, `smtp.port`, `smtp.from`, `smtp.tls`, `smtp.to[.critical|.warning|.info]`: Doctor's
    ///   alerts (`SMTPConfiguration.read`).
    ///
    /// A value that does not parse is refused with its key and its variable, never replaced by a default.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment, flags: [String: String] = [:]) async throws
        -> CatalystConfiguration
    {
        let flagValues = Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey(ConfigKey($0.key)), ConfigValue(.string($0.value), isSecret: false)) })
        let flagProvider = InMemoryProvider(name: "flags", values: flagValues)
        let environmentProvider = Self.environmentProvider(environment)
        let early = ConfigReader(providers: [flagProvider, environmentProvider])
        let share = early.string(forKey: "catalyst.share").flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        var sources = ["flags", "environment"]
        var providers: [any ConfigProvider] = [flagProvider, environmentProvider]
        if let file = try await settingsFile(explicit: early.string(forKey: "catalyst.config"), share: share), try hasSettings(file) {
            let provider: FileProvider<YAMLSnapshot>
            do { provider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(file.path), allowMissing: false) } catch {
                throw CatalystError.setup("\(file.path): \(error)")
            }
            try refuseSecrets(in: ConfigReader(provider: provider), file: file)
            providers.append(provider)
            sources.append(file.path)
        }
        return try CatalystConfiguration(reader: ConfigReader(providers: providers), share: share, sources: sources)
    }

    /// Tests and tools: a configuration from an environment alone (no flags, no settings file).
    public init(environment: [String: String]) throws {
        let reader = ConfigReader(provider: Self.environmentProvider(environment))
        try self.init(reader: reader, share: reader.string(forKey: "catalyst.share").map { URL(fileURLWithPath: $0) }, sources: ["environment"])
    }

    /// The environment, its secrets marked so: the named ones, and an account's own broker keys, database and
    /// standby URLs (`<PREFIX>_APCA_API_KEY_ID`, `…_APCA_API_SECRET_KEY`, any `…DATABASE_URL` or `…READ_URL`
    /// variable: name the variables of `database_url_env` and `read_url_env` so).
    static func environmentProvider(_ environment: [String: String]) -> EnvironmentVariablesProvider {
        let named = Set(secretVariables)
        return EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .dynamic { name, _ in
                named.contains(name) || name.hasSuffix("_APCA_API_KEY_ID") || name.hasSuffix("_APCA_API_SECRET_KEY") || name.hasSuffix("DATABASE_URL")
                    || name.hasSuffix("READ_URL")
            })
    }

    /// The environment variables whose values never reach a log or a file.
    static let secretVariables = ["DATABASE_URL", "CATALYST_API_KEY", "APCA_API_KEY_ID", "APCA_API_SECRET_KEY", "SMTP_USERNAME", "SMTP_PASSWORD"]

    /// The keys of those variables.
    static let secretKeys: [ConfigKey] = secretVariables.map { ConfigKey($0.lowercased().split(separator: "_").map(String.init)) }

    /// The same settings for another account of `config/accounts.yaml` (`catalyst serve --accounts`):
    /// its state folder, its database and its broker keys, as `CATALYST_ACCOUNT=<name>` would give.
    public func forAccount(_ name: String) throws -> CatalystConfiguration {
        try CatalystConfiguration(reader: reader, share: share, sources: sources, account: name)
    }

    /// The accounts `config/accounts.yaml` lists (refused when the file is missing or malformed).
    public func accountsFile() throws -> (file: String, accounts: AccountsFile) {
        let file = try files.config.appendingPathComponent("accounts.yaml").path
        return (file, try AccountsFile.load(file))
    }

    init(reader: ConfigReader, share: URL?, sources: [String], account chosen: String? = nil) throws {
        func text(_ key: ConfigKey, secret: Bool = false) -> String? {
            reader.string(forKey: key, isSecret: secret).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        func invalid(_ key: String, _ reason: String) -> CatalystError {
            let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
            return CatalystError.invalidInput(field: "\(key) (\(variable))", reason: reason)
        }
        var home = text("catalyst.home").map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".catalyst")
        // One account of several (config/accounts.yaml): its own state folder, cluster and ledger.
        var databaseURL = text("database.url", secret: true)
        let account = chosen ?? text("catalyst.account")
        var brokerPrefix: String?
        var readURL = text("catalyst.read.url", secret: true)
        if let account {
            let file = try ProjectFiles.locate(share: share).config.appendingPathComponent("accounts.yaml").path
            let entry = try AccountsFile.load(file).account(account, file: file)
            guard databaseURL == nil else {
                throw invalid("catalyst.account", "CATALYST_ACCOUNT and DATABASE_URL are both set: an account names its database in \(file); unset DATABASE_URL")
            }
            home = home.appendingPathComponent("accounts").appendingPathComponent(account)
            if let variable = entry.databaseURLVariable {
                let key = ConfigKey(variable.lowercased().split(separator: "_").map(String.init))
                guard let url = text(key, secret: true) else {
                    throw invalid("catalyst.account", "account \(account) takes its database URL from \(variable), which is not set")
                }
                databaseURL = url
            }
            brokerPrefix = entry.brokerVariablePrefix
            if let variable = entry.readURLVariable {
                let key = ConfigKey(variable.lowercased().split(separator: "_").map(String.init))
                guard let url = text(key, secret: true) else {
                    throw invalid("catalyst.account", "account \(account) takes its standby's URL from \(variable), which is not set")
                }
                readURL = url
            }
        }
        var serve = Serve()
        if let host = text("catalyst.serve.host") { serve.host = host }
        if let port = text("catalyst.serve.port") {
            guard let n = Int(port), (0...65535).contains(n) else { throw invalid("catalyst.serve.port", "not a port number: \(port)") }
            serve.port = n
        }
        var log = Log()
        if let level = text("catalyst.log.level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw invalid("catalyst.log.level", "expected trace, debug, info, notice, warning, error or critical, got \(level)")
            }
            log.level = parsed
        }
        var progress = Progress()
        if let every = text("catalyst.progress.every") {
            guard let seconds = TimeInterval(every), seconds >= 0 else { throw invalid("catalyst.progress.every", "not a number of seconds: \(every)") }
            progress.every = seconds
        }
        progress.enabled = text("catalyst.progress") != "off"
        var dataURL: URL?
        if let given = text("apca.data.base.url") {
            guard let url = URL(string: given), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw invalid("apca.data.base.url", "not an http(s) URL: \(given)")
            }
            dataURL = url
        }
        var capture = true
        if let value = text("catalyst.capture") {
            switch value.lowercased() {
            case "on", "true", "1": capture = true
            case "off", "false", "0": capture = false
            default: throw invalid("catalyst.capture", "expected on or off, got \(value)")
            }
        }
        let broker: Result<AlpacaTradingConfiguration?, AlpacaConfigurationError>
        do { broker = .success(try AlpacaTradingConfiguration.read(reader, variablePrefix: brokerPrefix)) } catch { broker = .failure(error) }
        self.init(
            home: home, share: share, databaseURL: databaseURL, postgresBin: text("pg.bin").map { URL(fileURLWithPath: $0) },
            api: API(url: text("catalyst.api.url") ?? API().url, key: text("catalyst.api.key", secret: true)), serve: serve, log: log,
            progress: progress, user: text("user") ?? "owner", broker: broker, marketDataURL: dataURL, reader: reader, sources: sources)
        self.capture = capture
        self.account = account
        self.readURL = readURL
    }

    /// `catalyst.config` when given (it must exist), else `config/catalyst.yaml` of the project when present.
    static func settingsFile(explicit: String?, share: URL?) async throws -> URL? {
        if let explicit, !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw CatalystError.invalidInput(field: "catalyst.config (CATALYST_CONFIG)", reason: "no such file: \(explicit)")
            }
            return url
        }
        guard let files = try? ProjectFiles.locate(share: share) else { return nil }
        let url = files.config.appendingPathComponent("catalyst.yaml")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// False for a file of comments and blank lines only (YAML reads it as no mapping at all).
    static func hasSettings(_ file: URL) throws -> Bool {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch { throw CatalystError.setup("cannot read \(file.path): \(error.localizedDescription)") }
        return text.split(whereSeparator: \.isNewline).contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "---"
        }
    }

    /// A settings file is shared, copied and committed; a key in it is a leaked key. Besides the named
    /// secrets, any setting that is an account's broker key or a database or standby URL (`….apca.api.key.id`,
    /// `….apca.api.secret.key`, `….database.url`, `….read.url`, as `broker_env_prefix`, `database_url_env` and
    /// `read_url_env` name them) is refused.
    static func refuseSecrets(in file: ConfigReader, file url: URL) throws {
        for (key, variable) in zip(secretKeys, secretVariables) where file.string(forKey: key, isSecret: true) != nil {
            throw CatalystError.refused(
                "\(url.path) sets \(key) (\(variable)), a secret: secrets come from the environment only; remove it from the file")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8), let tree = try? Yams.load(yaml: text) else { return }
        for path in settingPaths(tree) where isSecretSetting(path) {
            let variable = path.map { $0.uppercased() }.joined(separator: "_")
            throw CatalystError.refused(
                "\(url.path) sets \(path.joined(separator: ".")) (\(variable)), a secret: secrets come from the environment only; remove it from the file")
        }
    }

    /// Every leaf of a YAML mapping as its key path, split on dots and underscores as variables are.
    static func settingPaths(_ node: Any, prefix: [String] = []) -> [[String]] {
        guard let map = node as? [String: Any] else { return prefix.isEmpty ? [] : [prefix] }
        return map.flatMap { key, value in
            settingPaths(value, prefix: prefix + key.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" }).map(String.init))
        }
    }

    /// An account's broker key, or a database or standby URL, whatever its prefix.
    static func isSecretSetting(_ path: [String]) -> Bool {
        let suffixes: [[String]] = [["apca", "api", "key", "id"], ["apca", "api", "secret", "key"], ["database", "url"], ["read", "url"]]
        return suffixes.contains { path.count >= $0.count && Array(path.suffix($0.count)) == $0 }
    }
}
