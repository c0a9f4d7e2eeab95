import Domain
import Foundation
import HTTPAPI
import Logging
import ServiceLifecycle

extension ServeRole {
    /// One `serve` for several accounts of `config/accounts.yaml` (`catalyst serve --accounts`). Each account
    /// keeps what a process of its own would have: its ledger (its own cluster), trading system, risk book,
    /// principals and keys, projectors (woken by its own cluster), cron cycles and clock. They share the
    /// process and one HTTP port, where `/accounts/<name>/…` is the account's API (`AccountsServer`).
    ///
    /// `live`: every account trades through Alpaca with its own keys (`broker_env_prefix`); otherwise every
    /// account runs the simulated market with its own paper broker. Graceful shutdown stops the server first,
    /// then every account's cycles and clock, then the projectors.
    public static func runAccounts(
        _ options: Options, accounts: [(name: String, configuration: CatalystConfiguration)], live: Bool, logger: Logger
    ) async throws {
        try options.server.validate()
        guard !accounts.isEmpty else { throw CatalystError.invalidInput(field: "accounts", reason: "name at least one account") }
        var served: [(name: String, served: Served, logger: Logger)] = []
        for (name, configuration) in accounts {
            var log = logger
            log[metadataKey: "account"] = "\(name)"
            var o = options
            o.account = AccountID(rawValue: name)
            let one = live ? try await prepareLive(o, configuration: configuration, logger: log) : try await prepareSimulated(o, configuration: configuration, logger: log)
            served.append((name, one, log))
        }
        let files = try accounts[0].configuration.files
        var projectors: [RoleServiceGroup.Projectors] = []
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        do {
            for s in served {
                let set = try RoleServiceGroup.Projectors(
                    ProjectionCatalog.all(), files: files, conninfo: s.served.target.conninfo, readConninfo: s.served.readURL, retryInterval: .seconds(5),
                    logger: s.logger)
                projectors.append(set)
                services += set.services
            }
            for s in served {
                let duties = s.served.duties
                services.append(.init(service: RoleWork("duties \(s.name)") { await duties(); try await gracefulShutdown() }, successTerminationBehavior: .ignore))
            }
            for s in served { services.append(.init(service: s.served.backend.cycles, successTerminationBehavior: .ignore)) }
            let server = AccountsServer(
                configuration: options.server, accounts: Dictionary(uniqueKeysWithValues: served.map { ($0.name, $0.served.backend) }), logger: logger)
            services.append(
                .init(
                    service: APIService(server: server, host: options.server.host, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup))
            try await RoleServiceGroup.run(services, logger: logger)
        } catch {
            for set in projectors { await set.waker.stop() }
            throw error
        }
        for set in projectors { await set.waker.stop() }
    }

    /// The accounts `--accounts` names (`all`: every account of `config/accounts.yaml`), each with its own
    /// configuration, and whether they trade live. Refused: an unknown account, `CATALYST_ACCOUNT` set too,
    /// some accounts with broker keys and some without, and two accounts with the same key (two ledgers
    /// trading one brokerage account would each see the other's orders as unknown).
    public static func accounts(
        _ names: String, configuration: CatalystConfiguration, simulate: Bool
    ) throws -> (accounts: [(name: String, configuration: CatalystConfiguration)], live: Bool) {
        if let one = configuration.account {
            throw CatalystError.invalidInput(field: "accounts", reason: "CATALYST_ACCOUNT (\(one)) picks one account; unset it to serve several")
        }
        let (file, listed) = try configuration.accountsFile()
        let wanted = names == "all" ? listed.names : names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !wanted.isEmpty else { throw CatalystError.invalidInput(field: "accounts", reason: "a comma-separated list of accounts of \(file), or all") }
        guard Set(wanted).count == wanted.count else { throw CatalystError.invalidInput(field: "accounts", reason: "an account is named twice: \(names)") }
        for name in wanted where listed.accounts[name] == nil {
            throw CatalystError.invalidInput(field: "accounts", reason: "\(name) is not in \(file) (known: \(listed.names.joined(separator: ", ")))")
        }
        if wanted.count > 1, configuration.readURL != nil {
            throw CatalystError.invalidInput(
                field: "accounts",
                reason: "CATALYST_READ_URL names one standby, of one ledger: give each account its own (read_url_env in \(file)) and unset it")
        }
        let accounts = try wanted.map { (name: $0, configuration: try configuration.forAccount($0)) }
        if simulate { return (accounts, false) }
        let keyed = try accounts.map { (name: $0.name, keys: try $0.configuration.alpaca) }
        let withKeys = keyed.filter { $0.keys != nil }
        if withKeys.isEmpty { return (accounts, false) }
        guard withKeys.count == keyed.count else {
            let bare = keyed.filter { $0.keys == nil }.map(\.name)
            throw CatalystError.invalidInput(
                field: "accounts",
                reason: "\(bare.joined(separator: ", ")) \(bare.count == 1 ? "has" : "have") no broker keys while the others trade live: give each account its own keys (broker_env_prefix in \(file)) or serve them with --simulate")
        }
        let byKey = Dictionary(grouping: withKeys) { $0.keys!.keyID }
        if let shared = byKey.values.first(where: { $0.count > 1 }) {
            throw CatalystError.invalidInput(
                field: "accounts",
                reason: "\(shared.map(\.name).joined(separator: " and ")) use the same broker key: each account's ledger must trade its own brokerage account (broker_env_prefix in \(file))")
        }
        return (accounts, true)
    }
}
