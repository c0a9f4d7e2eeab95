import CatalystTestKit
import Foundation

/// The Python tools some tests drive, in `tools/.venv` (`tools/install-deps.sh --test` installs them); the
/// tests never install anything themselves.
enum PythonVenv {
    static let python = TestCluster.repositoryRoot.appendingPathComponent("tools/.venv/bin/python")

    /// Whether `module` imports in the venv.
    static func imports(_ module: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
        let p = Process()
        p.executableURL = python
        p.arguments = ["-c", "import \(module)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
