import Crypto
import Domain
import Foundation

/// A principal's secret token: `ctl.<principal id>.<key id>.<secret>`, where the secret is 32 random
/// bytes (256 bits) in hex. It is shown once when made; the ledger keeps only the SHA-256 of the secret
/// (a fast hash is enough: the secret has full entropy, nothing to guess from a dictionary).
public struct Credential: Sendable, Hashable {
    public let principalID: PrincipalID
    public let keyID: String
    let secret: String

    public var token: String { "ctl.\(principalID.rawValue).\(keyID).\(secret)" }

    /// Nil for anything that is not a well-formed token (a wrong shape is as unknown as a wrong secret).
    public init?(token: String) {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "ctl", let id = PrincipalID(validating: parts[1]),
            parts[2].count == 8, parts[2].allSatisfy(\.isHexDigit), parts[3].count == 64, parts[3].allSatisfy(\.isHexDigit)
        else { return nil }
        self.principalID = id
        self.keyID = parts[2].lowercased()
        self.secret = parts[3].lowercased()
    }

    init(principalID: PrincipalID, keyID: String, secret: String) {
        self.principalID = principalID
        self.keyID = keyID
        self.secret = secret
    }

    /// A new random credential for `principal` (the system's cryptographic random source).
    public static func generate(for principal: PrincipalID) -> Credential {
        var rng = SystemRandomNumberGenerator()
        func hex(_ bytes: Int) -> String { (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &rng)) }.joined() }
        return Credential(principalID: principal, keyID: hex(4), secret: hex(32))
    }

    /// Lower-case hex SHA-256 of the secret: what `principal.added` and `principal.key_rotated` record.
    public var digest: String { Self.digest(of: secret) }

    static func digest(of secret: String) -> String { SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined() }

    public func key(createdAt: Date) -> PrincipalKey { PrincipalKey(keyID: keyID, digest: digest, createdAt: createdAt) }
}

extension Credential: CustomStringConvertible {
    /// Never the secret: a credential printed into a log says whose it is and nothing more.
    public var description: String { "ctl.\(principalID.rawValue).\(keyID).…" }
}
