import DoctorClaude
import Foundation
import Testing

@Suite struct RulesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func repositoryRulesFileLoads() throws {
        let rules = try DoctorRules.load(path: Self.repository.appendingPathComponent("config/doctor_rules.yaml").path)
        #expect(rules.thresholds == DoctorRules.Thresholds())
        #expect(rules.rule("STUCK_ORDER")?.fixCommand == .cancelOrder)
        #expect(rules.rule("ORPHAN_POSITION")?.autoFixEnabled == false)
        #expect(rules.rule("ORDER_NOT_FOUND")?.maxAutoFixesPerHour == 10)
        #expect(rules.rule("ORDER_NOT_FOUND")?.cooldownMinutes == 5)
        #expect(rules.rules.count == 19)
    }

    @Test func forbiddenAutoFixIsRefusedAtLoad() {
        let yaml = """
            version: 1
            rules:
              - issue_type: ORPHAN_POSITION
                auto_fix_enabled: true
                fix_command: reconcile
            """
        #expect(throws: DoctorError.self) { try DoctorRules.parse(yaml) }
    }

    @Test func badRulesGiveClearErrors() {
        #expect(throws: DoctorError.self) { try DoctorRules.parse("version: 2\nrules: []") }
        #expect(throws: DoctorError.self) { try DoctorRules.parse("version: 1\nrules:\n  - issue_type: NOPE\n") }
        #expect(throws: DoctorError.self) { try DoctorRules.parse("version: 1\nrules:\n  - issue_type: STUCK_ORDER\n    auto_fix_enabled: true\n") }
        let thresholds = try? DoctorRules.parse("version: 1\nthresholds:\n  stuck_order_minutes: 7\nrules: []")
        #expect(thresholds?.thresholds.stuckOrderMinutes == 7)
        #expect(thresholds?.thresholds.staleCycleMinutes == 30)
    }
}
