import Foundation
import Yams

/// `config/accounts.yaml`: the trading accounts this installation keeps apart, each with a ledger of its
/// own (one database cluster per account in production). A process serves one account, named by
/// `catalyst.account` (`CATALYST_ACCOUNT`), or several (`catalyst serve --accounts`); without either (and
/// without the file) there is one account and nothing changes.
///
/// ```yaml
/// accounts:
///   main: {}                                            # its own embedded cluster under <home>/accounts/main
///   fund-b:
///     database_url_env: CATALYST_FUND_B_DATABASE_URL    # the URL is a secret: the file names the variable
///     broker_env_prefix: FUND_B                         # its Alpaca keys: FUND_B_APCA_API_KEY_ID, FUND_B_APCA_API_SECRET_KEY
///     read_url_env: CATALYST_FUND_B_READ_URL            # a hot standby of its ledger (catalyst.read.url)
/// ```
///
/// An unknown key, a bad name, or an account that is not listed is refused with the file and the key.
public struct AccountsFile: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var name: String
        /// The environment variable holding the account's database URL; nil: an embedded cluster of its own.
        public var databaseURLVariable: String?
        /// The prefix of the account's own Alpaca variables (`<prefix>_APCA_API_KEY_ID`, `…_SECRET_KEY`,
        /// `…_BASE_URL`); nil: the installation's `APCA_API_KEY_ID` and `APCA_API_SECRET_KEY`.
        public var brokerVariablePrefix: String?
        /// The environment variable holding a hot standby of the account's ledger (its `catalyst.read.url`).
        public var readURLVariable: String?
    }

    /// The account names, sorted.
    public var names: [String] { accounts.keys.sorted() }

    public var accounts: [String: Account]

    public static func load(_ path: String) throws -> AccountsFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CatalystError.setup("an account is named (catalyst.account or --accounts) but \(path) does not exist: list the accounts there (docs/accounts.md)")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CatalystError.invalidInput(field: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let tree = (try? Yams.load(yaml: text)) as? [String: Any] else {
            throw CatalystError.invalidInput(field: path, reason: "not a YAML mapping")
        }
        for key in tree.keys where key != "accounts" {
            throw CatalystError.invalidInput(field: "\(path): \(key)", reason: "unknown key (known: accounts)")
        }
        guard let section = tree["accounts"] as? [String: Any], !section.isEmpty else {
            throw CatalystError.invalidInput(field: "\(path): accounts", reason: "a mapping of account names, at least one")
        }
        var accounts: [String: Account] = [:]
        for (name, value) in section {
            guard Self.isValidName(name) else {
                throw CatalystError.invalidInput(field: "\(path): accounts.\(name)", reason: "an account name is 1–32 of a-z, 0-9 and -, starting with a letter")
            }
            let fields = value as? [String: Any] ?? [:]
            if !(value is [String: Any]), !(value is NSNull) {
                throw CatalystError.invalidInput(field: "\(path): accounts.\(name)", reason: "a mapping ({} for an embedded cluster of its own)")
            }
            for key in fields.keys where !["database_url_env", "broker_env_prefix", "read_url_env"].contains(key) {
                throw CatalystError.invalidInput(
                    field: "\(path): accounts.\(name).\(key)", reason: "unknown key (known: broker_env_prefix, database_url_env, read_url_env)")
            }
            func variableName(_ key: String) throws -> String? {
                guard let raw = fields[key] else { return nil }
                guard let v = raw as? String, v.range(of: "^[A-Z][A-Z0-9_]{0,63}$", options: .regularExpression) != nil else {
                    throw CatalystError.invalidInput(field: "\(path): accounts.\(name).\(key)", reason: "the name of an environment variable (A-Z, 0-9, _), not a URL")
                }
                return v
            }
            let variable = try variableName("database_url_env")
            let readVariable = try variableName("read_url_env")
            var prefix: String?
            if let raw = fields["broker_env_prefix"] {
                guard let p = raw as? String, p.range(of: "^[A-Z][A-Z0-9_]{0,31}$", options: .regularExpression) != nil, !p.hasSuffix("_") else {
                    throw CatalystError.invalidInput(
                        field: "\(path): accounts.\(name).broker_env_prefix",
                        reason: "the prefix of environment variables (A-Z, 0-9, _; e.g. FUND_B for FUND_B_APCA_API_KEY_ID), not a key")
                }
                prefix = p
            }
            accounts[name] = Account(name: name, databaseURLVariable: variable, brokerVariablePrefix: prefix, readURLVariable: readVariable)
        }
        return AccountsFile(accounts: accounts)
    }

    public func account(_ name: String, file: String) throws -> Account {
        guard let a = accounts[name] else {
            throw CatalystError.invalidInput(
                field: "catalyst.account (CATALYST_ACCOUNT)", reason: "\(name) is not in \(file) (known: \(accounts.keys.sorted().joined(separator: ", ")))")
        }
        return a
    }

    static func isValidName(_ s: String) -> Bool { s.range(of: "^[a-z][a-z0-9-]{0,31}$", options: .regularExpression) != nil }
}
