import Domain
import Foundation
import Testing
import Yams

@testable import Strategy

/// `config/trading_config.yaml` decodes into the defaults, names no unknown keys, and a typo fails.
struct ConfigurationFileTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/trading_config.yaml")

    @Test func shippedFileDecodesToTheConservativeDefaults() throws {
        let yaml = try String(contentsOf: Self.file, encoding: .utf8)
        let document = try YAMLDecoder().decode(FunnelConfiguration.Document.self, from: yaml)
        #expect(document.scanner == FunnelConfiguration())
        #expect(document.scanner.problems().isEmpty)
    }

    @Test func shippedFileHasExactlyTheKeysTheCodeReads() throws {
        let yaml = try String(contentsOf: Self.file, encoding: .utf8)
        let tree = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let scanner = try #require(tree["scanner"] as? [String: Any])
        #expect(Set(scanner.keys) == Set(FunnelConfiguration.schema.keys))
        for (section, keys) in FunnelConfiguration.schema {
            let present = try #require(scanner[section] as? [String: Any], "missing section \(section)")
            #expect(Set(present.keys) == Set(keys), "section \(section)")
        }
    }

    @Test func missingKeyFailsInsteadOfDefaulting() {
        let yaml = """
            scanner:
              stage_sizes: {universe: 100, catalyst: 35, technical: 20, pattern: 10}
            """
        #expect(throws: DecodingError.self) { try YAMLDecoder().decode(FunnelConfiguration.Document.self, from: yaml) }
    }

    @Test func unknownPatternNameFails() throws {
        var yaml = try String(contentsOf: Self.file, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "enabled: [bull_flag,", with: "enabled: [bull_flagg,")
        #expect(throws: DecodingError.self) { try YAMLDecoder().decode(FunnelConfiguration.Document.self, from: yaml) }
    }
}
