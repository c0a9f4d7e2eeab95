import CatalystApp
import Foundation
import Testing

/// One configuration per process: the settings file, then the environment, then flags; secrets from the
/// environment only; a value that does not parse is refused by name, never defaulted.
@Suite struct CatalystConfigurationTests {
    /// A project folder (`migrations/`, `config/`) with `config/catalyst.yaml` holding `yaml`.
    static func project(_ yaml: String?) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalyst-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("config"), withIntermediateDirectories: true)
        if let yaml { try yaml.write(to: root.appendingPathComponent("config/catalyst.yaml"), atomically: true, encoding: .utf8) }
        return root
    }

    @Test func withNothingSetEverySettingHasItsDefault() throws {
        let c = try CatalystConfiguration(environment: [:])
        #expect(c.databaseURL == nil && c.api.key == nil && !c.hasBrokerKeys)
        #expect(c.api.url == "http://127.0.0.1:5006")
        #expect(c.serve == .init(host: "127.0.0.1", port: 5006))
        #expect(c.progress == .init(enabled: true, every: 5))
        #expect(c.log.level == nil && c.user == "owner")
        #expect(c.home.lastPathComponent == ".catalyst")
        #expect(c.credentials.folder == c.home.appendingPathComponent("credentials"))
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() async throws {
        let root = try Self.project("catalyst:\n  serve:\n    host: 0.0.0.0\n    port: 7000\n  api:\n    url: http://file:1\n  log:\n    level: debug\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["CATALYST_SHARE": root.path]
        let fileOnly = try await CatalystConfiguration.load(environment: env)
        #expect(fileOnly.serve == .init(host: "0.0.0.0", port: 7000) && fileOnly.api.url == "http://file:1" && fileOnly.log.level == .debug)
        #expect(fileOnly.sources.last == root.appendingPathComponent("config/catalyst.yaml").path)

        let envToo = try await CatalystConfiguration.load(environment: env.merging(["CATALYST_SERVE_PORT": "7001", "CATALYST_API_URL": "http://env:2"]) { $1 })
        #expect(envToo.serve == .init(host: "0.0.0.0", port: 7001) && envToo.api.url == "http://env:2")

        let flags = try await CatalystConfiguration.load(
            environment: env.merging(["CATALYST_SERVE_PORT": "7001"]) { $1 }, flags: ["catalyst.serve.port": "7002"])
        #expect(flags.serve.port == 7002 && flags.serve.host == "0.0.0.0")
    }

    /// A settings file is copied and committed: one that names a secret is refused, and the refusal does
    /// not repeat the secret.
    @Test func aSecretInTheSettingsFileIsRefusedWithoutRepeatingIt() async throws {
        for (yaml, key) in [
            ("database:\n  url: postgresql://u:hunter2@db/ledger\n", "database.url"), ("catalyst:\n  api:\n    key: hunter2\n", "catalyst.api.key"),
            ("apca:\n  api:\n    secret:\n      key: hunter2\n", "apca.api.secret.key"), ("smtp:\n  password: hunter2\n", "smtp.password"),
            // An account's own secrets (broker_env_prefix, read_url_env, database_url_env), whatever their prefix.
            ("fund_b_apca_api_key_id: hunter2\n", "fund.b.apca.api.key.id"), ("catalyst:\n  read:\n    url: postgresql://u:hunter2@standby/x\n", "catalyst.read.url"),
            ("catalyst:\n  fund:\n    b:\n      database:\n        url: postgresql://u:hunter2@db/x\n", "catalyst.fund.b.database.url"),
        ] {
            let root = try Self.project(yaml)
            defer { try? FileManager.default.removeItem(at: root) }
            let error = await #expect(throws: CatalystError.self) { try await CatalystConfiguration.load(environment: ["CATALYST_SHARE": root.path]) }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains(key) && text.contains("environment only") && !text.contains("hunter2"), "\(text)")
        }
    }

    @Test func aValueThatDoesNotParseIsRefusedByKeyAndVariable() async throws {
        for (environment, named) in [
            (["CATALYST_SERVE_PORT": "http"], "catalyst.serve.port (CATALYST_SERVE_PORT)"), (["CATALYST_SERVE_PORT": "70000"], "catalyst.serve.port"),
            (["CATALYST_LOG_LEVEL": "loud"], "catalyst.log.level (CATALYST_LOG_LEVEL)"),
            (["CATALYST_PROGRESS_EVERY": "-1"], "catalyst.progress.every"), (["APCA_DATA_BASE_URL": "ftp://x"], "apca.data.base.url"),
            (["CATALYST_CONFIG": "/nonexistent/catalyst.yaml"], "catalyst.config (CATALYST_CONFIG)"),
        ] {
            let error = await #expect(throws: CatalystError.self) { try await CatalystConfiguration.load(environment: environment) }
            #expect(error.map { "\($0)" }?.contains(named) == true, "\(String(describing: error))")
        }
        let root = try Self.project("catalyst: [1, 2\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let broken = await #expect(throws: CatalystError.self) { try await CatalystConfiguration.load(environment: ["CATALYST_SHARE": root.path]) }
        #expect(broken.map { "\($0)" }?.contains("catalyst.yaml") == true)
    }

    /// Half the broker keys: the process still starts (reads need no broker), `hasBrokerKeys` keeps it
    /// from silently simulating, and asking for Alpaca names the missing key.
    @Test func halfTheBrokerKeysIsRefusedWhereTheBrokerIsUsed() throws {
        let c = try CatalystConfiguration(environment: ["APCA_API_KEY_ID": "PK1"])
        #expect(c.hasBrokerKeys)
        let error = #expect(throws: CatalystError.self) { _ = try c.alpaca }
        #expect(error.map { "\($0)" }?.contains("APCA_API_SECRET_KEY") == true)
        let full = try CatalystConfiguration(environment: ["APCA_API_KEY_ID": "PK1", "APCA_API_SECRET_KEY": "s", "CATALYST_BROKER_MAX_RETRIES": "7"])
        #expect(try full.alpaca?.maxRetries == 7)
    }

    /// However the configuration is printed, no secret appears; the database URL keeps its host.
    @Test func printingTheConfigurationShowsNoSecret() throws {
        let c = try CatalystConfiguration(environment: [
            "DATABASE_URL": "postgresql://ledger:pw-db-1@db.internal/ledger", "CATALYST_API_KEY": "ck_secret_2",
            "APCA_API_KEY_ID": "PKSECRET3", "APCA_API_SECRET_KEY": "secret-4",
        ])
        for text in ["\(c)", String(reflecting: c), { var s = ""; dump(c, to: &s); return s }()] {
            for secret in ["pw-db-1", "ck_secret_2", "PKSECRET3", "secret-4"] { #expect(!text.contains(secret), "\(text)") }
            #expect(text.contains("db.internal"))
        }
        #expect(c.settings.first { $0.key == "catalyst.api.key" }?.value == "<set>")
    }

    /// The key of every setting is its environment variable: `USER` names the local owner, and
    /// `CATALYST_API_KEY` overrides every local key file.
    @Test func theEnvironmentNamesTheOwnerAndOverridesTheKeyFiles() throws {
        let c = try CatalystConfiguration(environment: ["USER": "alice", "CATALYST_API_KEY": "  k-1 \n", "CATALYST_HOME": "/tmp/h"])
        #expect(c.user == "alice" && c.credentials.ownerName == "alice")
        #expect(c.credentials.token(.agent) == "k-1" && c.credentials.token(.owner) == "k-1")
        #expect(c.home.path == "/tmp/h")
        #expect(try CatalystConfiguration(environment: ["CATALYST_PROGRESS": "off"]).progress.enabled == false)
    }
}
