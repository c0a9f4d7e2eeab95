import ArgumentParser
import CatalystApp
import Foundation

/// `catalyst config`: the settings this process resolved, and where they came from.
struct ConfigCommand: CatalystCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the resolved settings (secrets as <set> or <unset>) and where they came from.",
        discussion: """
            Settings come from config/catalyst.yaml, then the environment, then a command's flags; secrets (DATABASE_URL, \
            CATALYST_API_KEY, APCA_API_KEY_ID, APCA_API_SECRET_KEY, SMTP_USERNAME, SMTP_PASSWORD) from the environment \
            only. The keys are listed in docs/configuration.md.
            """)

    func execute(_ configuration: CatalystConfiguration) async throws {
        let width = configuration.settings.map(\.key.count).max() ?? 0
        for (key, value) in configuration.settings { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        print("sources (highest first): " + configuration.sources.joined(separator: ", "))
    }
}
