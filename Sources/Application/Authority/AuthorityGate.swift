import Domain
import Foundation
import Logging

/// The one place capabilities are checked. Every front end (HTTP routes, the CLI's local commands,
/// Doctor's fixes) names the capability an action needs and asks here before it calls a service. A
/// refusal of a known principal is recorded as `principal.access_denied` on its stream, so auditors
/// see attempts; unknown credentials never reach this point (they are only logged, so spraying bad
/// keys cannot fill the ledger).
public struct AuthorityGate: Sendable {
    let log: EventLog
    let directory: PrincipalDirectory
    let logger: Logger

    public init(log: EventLog, directory: PrincipalDirectory, logger: Logger = Logger(label: "catalyst.authority")) {
        self.log = log
        self.directory = directory
        self.logger = logger
    }

    /// Returns when `principal` may do `capability`; otherwise records the attempt and throws
    /// `ApplicationError.forbidden` naming the capability.
    public func authorize(_ principal: AuthenticatedPrincipal, _ capability: Capability, action: String) async throws {
        if principal.may(capability) { return }
        logger.warning(
            "refused", metadata: ["principal": "\(principal.id)", "capability": "\(capability.rawValue)", "action": "\(action)"])
        let at = directory.now()
        let context = CommandContext(actor: principal.actor, commandID: UUID(), correlationID: UUID(), now: at)
        do {
            _ = try await DeciderRunner(log: log).run(Principal.self, Principal.stream(principal.id), context: context) { _ in
                .recordDenial(capability: capability, action: action, at: at)
            }
        } catch {
            // The refusal stands whether or not it could be recorded (a read-only database, say).
            logger.error("could not record a refused attempt", metadata: ["principal": "\(principal.id)", "error": "\(error)"])
        }
        throw ApplicationError.forbidden(capability: capability, principal: principal.id)
    }
}
