import ArgumentParser
import CatalystApp
import Foundation
import Logging

struct Project: CatalystCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the projector processes (all projections, or one with --only).",
        discussion: """
            Each projection reads the log in reader order, applies batches with their checkpoint in one transaction, \
            holds an advisory lock (more instances wait as hot standbys), and follows live appends. SIGTERM or SIGINT \
            stops it after the current batch. Refuses to start while migrations are pending.
            """
    )

    @Option(help: "Run only this projection (one process per projection is supported).") var only: String?

    func execute(_ configuration: CatalystConfiguration) async throws {
        var logger = Logger(label: "catalyst.project")
        logger.logLevel = .info
        try await ProjectorRole.run(only: only, configuration: configuration, logger: logger)
    }
}
