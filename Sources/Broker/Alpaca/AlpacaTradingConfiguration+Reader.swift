import Configuration
import Foundation

extension AlpacaTradingConfiguration {
    /// Reads the Alpaca trading client's settings from a configuration reader. The key of each setting is
    /// its environment variable, lowercased, with dots for underscores (`CatalystConfiguration` builds the
    /// reader; the keys are secrets and come from the environment only).
    ///
    /// ## Configuration keys
    /// - `apca.api.key.id` (`APCA_API_KEY_ID`, secret): the key id.
    /// - `apca.api.secret.key` (`APCA_API_SECRET_KEY`, secret): the secret key.
    /// - `apca.api.base.url` (`APCA_API_BASE_URL`, default paper): `https://paper-api.alpaca.markets`,
    ///   `https://api.alpaca.markets` (real money) or a local fake; a trailing `/v2` or slash is dropped,
    ///   as Alpaca's SDKs do.
    /// - `catalyst.broker.timeout.seconds` (0.1–600, default 10): per-request timeout.
    /// - `catalyst.broker.max.retries` (0–20, default 3): extra attempts of a read.
    /// - `catalyst.broker.retry.delay.seconds` (0–60, default 0.5): the first backoff.
    /// - `catalyst.broker.circuit.threshold` (1–1000, default 5): consecutive failures that open the circuit.
    /// - `catalyst.broker.circuit.cooldown.seconds` (0.1–3600, default 30): how long it stays open.
    ///
    /// Returns nil when neither key is set (the application then uses the paper broker), and throws when
    /// only one is, when the URL is not http(s), or when a tuning value is not a number in range, naming the
    /// variable: a half configuration must not silently fall back to simulation.
    ///
    /// `variablePrefix` (an account's `broker_env_prefix`, e.g. `FUND_B`) reads `FUND_B_APCA_API_KEY_ID`,
    /// `FUND_B_APCA_API_SECRET_KEY` and `FUND_B_APCA_API_BASE_URL` instead of the three `APCA_…` variables.
    public static func read(_ config: ConfigReader, variablePrefix: String? = nil) throws(AlpacaConfigurationError) -> AlpacaTradingConfiguration? {
        func text(_ key: ConfigKey, secret: Bool = false) -> String? {
            config.string(forKey: key, isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        func variable(_ name: String) -> String { variablePrefix.map { "\($0)_\(name)" } ?? name }
        func keyOf(_ name: String) -> ConfigKey { ConfigKey(variable(name).lowercased().split(separator: "_").map(String.init)) }
        let key = text(keyOf("APCA_API_KEY_ID"), secret: true)
        let secret = text(keyOf("APCA_API_SECRET_KEY"), secret: true)
        switch (key, secret) {
        case (nil, nil): return nil
        case (nil, _): throw .missing(variable("APCA_API_KEY_ID"))
        case (_, nil): throw .missing(variable("APCA_API_SECRET_KEY"))
        case (let key?, let secret?):
            var base = paperURL
            if let given = text(keyOf("APCA_API_BASE_URL")) {
                var trimmed = given
                while trimmed.hasSuffix("/") { trimmed.removeLast() }
                if trimmed.hasSuffix("/v2") { trimmed.removeLast(3) }
                guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                    throw .invalidBaseURL(given)
                }
                base = url
            }
            var configuration = AlpacaTradingConfiguration(baseURL: base, keyID: key, secretKey: secret)
            func number(_ name: String, _ range: ClosedRange<Double>) throws(AlpacaConfigurationError) -> Double? {
                let key = ConfigKey(name.lowercased().split(separator: "_").map(String.init))
                guard let given = text(key) else { return nil }
                guard let value = Double(given), range.contains(value) else { throw .invalidSetting(name, given, range) }
                return value
            }
            if let v = try number("CATALYST_BROKER_TIMEOUT_SECONDS", 0.1...600) {
                configuration.requestTimeout = v
                configuration.resourceTimeout = max(configuration.resourceTimeout, v)
            }
            if let v = try number("CATALYST_BROKER_MAX_RETRIES", 0...20) { configuration.maxRetries = Int(v) }
            if let v = try number("CATALYST_BROKER_RETRY_DELAY_SECONDS", 0...60) { configuration.retryBaseDelay = v }
            if let v = try number("CATALYST_BROKER_CIRCUIT_THRESHOLD", 1...1000) { configuration.circuitFailureThreshold = Int(v) }
            if let v = try number("CATALYST_BROKER_CIRCUIT_COOLDOWN_SECONDS", 0.1...3600) { configuration.circuitCoolDown = v }
            return configuration
        }
    }
}
