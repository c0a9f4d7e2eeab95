import CatalystApp
import Foundation
import Testing

/// `config/accounts.yaml` beyond the database: each account's own broker keys (`broker_env_prefix`), and
/// which accounts one `serve --accounts` may run together. Two ledgers on one brokerage account, or live
/// and simulated accounts mixed, are refused before anything runs.
@Suite struct AccountsConfigurationTests {
    static func project(_ accounts: String) throws -> URL {
        let root = try CatalystConfigurationTests.project(nil)
        try accounts.write(to: root.appendingPathComponent("config/accounts.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    static let file =
        "accounts:\n  main:\n    broker_env_prefix: MAIN\n    read_url_env: MAIN_READ_URL\n  fund-b:\n    broker_env_prefix: FUND_B\n  paper: {}\n"

    @Test func eachAccountReadsItsOwnBrokerKeys() throws {
        let root = try Self.project(Self.file)
        defer { try? FileManager.default.removeItem(at: root) }
        let env = [
            "CATALYST_SHARE": root.path, "MAIN_APCA_API_KEY_ID": "PKMAIN", "MAIN_APCA_API_SECRET_KEY": "s1", "FUND_B_APCA_API_KEY_ID": "PKFUNDB",
            "FUND_B_APCA_API_SECRET_KEY": "s2", "FUND_B_APCA_API_BASE_URL": "https://api.alpaca.markets", "MAIN_READ_URL": "postgresql://main@standby/catalyst",
        ]
        let base = try CatalystConfiguration(environment: env)
        #expect(try base.forAccount("main").alpaca?.keyID == "PKMAIN")
        let fund = try base.forAccount("fund-b")
        #expect(try fund.alpaca?.keyID == "PKFUNDB" && fund.alpaca?.baseURL.absoluteString == "https://api.alpaca.markets")
        #expect(try base.forAccount("paper").alpaca == nil, "no prefix, no installation keys: the paper broker")
        // An account's own standby URL; unset, the account is refused by name.
        #expect(try base.forAccount("main").readURL == "postgresql://main@standby/catalyst" && (try base.forAccount("fund-b").readURL) == nil)
        let unset = try CatalystConfiguration(environment: env.filter { $0.key != "MAIN_READ_URL" })
        #expect(throws: (any Error).self) { try unset.forAccount("main") }
        // The keys are secrets: a printed configuration never shows them.
        #expect(!"\(fund)".contains("PKFUNDB") && !"\(fund)".contains("s2"))
        // Half an account's keys is refused, naming its own variable.
        let half = try CatalystConfiguration(environment: ["CATALYST_SHARE": root.path, "MAIN_APCA_API_KEY_ID": "PKMAIN", "MAIN_READ_URL": "postgresql://r@/x"])
            .forAccount("main")
        do {
            _ = try half.alpaca
            Issue.record("half of an account's keys must be refused")
        } catch {
            #expect("\(error)".contains("MAIN_APCA_API_SECRET_KEY"), "\(error)")
        }
    }

    @Test func serveAccountsRefusesSharedKeysMixedVenuesAndAmbiguity() throws {
        let root = try Self.project(Self.file)
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = [
            "MAIN_APCA_API_KEY_ID": "PKMAIN", "MAIN_APCA_API_SECRET_KEY": "s1", "FUND_B_APCA_API_KEY_ID": "PKFUNDB", "FUND_B_APCA_API_SECRET_KEY": "s2",
            "MAIN_READ_URL": "postgresql://r@/x",
        ]
        let base = try CatalystConfiguration(environment: keys.merging(["CATALYST_SHARE": root.path]) { $1 })

        let live = try ServeRole.accounts("main,fund-b", configuration: base, simulate: false)
        #expect(live.live && live.accounts.map(\.name) == ["main", "fund-b"])
        let simulated = try ServeRole.accounts("all", configuration: base, simulate: true)
        #expect(!simulated.live && simulated.accounts.map(\.name) == ["fund-b", "main", "paper"])

        func refusal(_ names: String, _ configuration: CatalystConfiguration) -> String {
            do {
                _ = try ServeRole.accounts(names, configuration: configuration, simulate: false)
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(refusal("main,paper", base).contains("paper has no broker keys"), "live and simulated mixed")
        let shared = try CatalystConfiguration(
            environment: keys.merging(["CATALYST_SHARE": root.path, "FUND_B_APCA_API_KEY_ID": "PKMAIN"]) { $1 })
        #expect(refusal("main,fund-b", shared).contains("use the same broker key"), "two ledgers on one brokerage account")
        #expect(refusal("main,zeta", base).contains("zeta is not in"))
        #expect(refusal("main,main", base).contains("named twice"))
        let one = try CatalystConfiguration(environment: keys.merging(["CATALYST_SHARE": root.path, "CATALYST_ACCOUNT": "main"]) { $1 })
        #expect(refusal("main,fund-b", one).contains("CATALYST_ACCOUNT"))
        // One standby URL cannot serve two ledgers: each account names its own.
        let standby = try CatalystConfiguration(environment: keys.merging(["CATALYST_SHARE": root.path, "CATALYST_READ_URL": "postgresql://r@/x"]) { $1 })
        #expect(refusal("main,fund-b", standby).contains("read_url_env"))
    }
}
