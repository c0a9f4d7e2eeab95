import ArgumentParser
import CatalystApp
import Foundation
import Logging

/// A subcommand whose failures print as one line on stderr (`catalyst: error: …`) with a non-zero exit,
/// never a stack trace.
protocol CatalystCommand: AsyncParsableCommand {
    func execute() async throws
}

extension CatalystCommand {
    func run() async throws {
        CLILogging.bootstrapOnce()
        do {
            try await execute()
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
    private static let once: Void = {
        let level = ProcessInfo.processInfo.environment["CATALYST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }()

    static func bootstrapOnce() { _ = once }
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
