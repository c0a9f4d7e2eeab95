import ArgumentParser
import CatalystApp
import Foundation
import Logging
import Synchronization

/// A subcommand that receives the resolved configuration (`CatalystConfiguration.load`: the settings
/// file, the environment, then its own flags) and whose failures print as one line on stderr
/// (`catalyst: error: …`) with a non-zero exit, never a stack trace.
protocol CatalystCommand: AsyncParsableCommand {
    /// The configuration keys this command's flags set (the top layer); most commands set none.
    var configurationFlags: [String: String] { get }
    func execute(_ configuration: CatalystConfiguration) async throws
}

extension CatalystCommand {
    var configurationFlags: [String: String] { [:] }

    func run() async throws {
        do {
            let configuration = try await CatalystConfiguration.load(flags: configurationFlags)
            CLILogging.bootstrapOnce(level: configuration.log.level ?? .warning)
            try await execute(configuration)
        } catch let exit as ExitCode {
            throw exit
        } catch let clean as CleanExit {
            throw clean
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
    }
}

enum CLILogging {
    private static let bootstrapped = Mutex(false)

    /// Log lines go to stderr at `level` (the `catalyst.log.level` setting); the first call wins.
    static func bootstrapOnce(level: Logger.Level) {
        guard bootstrapped.withLock({ done in defer { done = true }; return !done }) else { return }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

enum Terminal {
    static func error(_ message: String) {
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("catalyst: error: \(line)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// True when stdout is a terminal.
    static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }

    /// True when stderr is a terminal: progress rewrites one line there, else prints plain lines.
    static var isErrorInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}
