import Application
import Domain
import Foundation
import Logging
import Synchronization
import Yams

/// `config/risk_parameters.yaml`, watched: read again whenever its modification time changes. An
/// invalid edit is refused with the line and key and the last good parameters stay in force, so a typo
/// can never loosen a limit. The risk desk appends `risk.parameters_changed` when a new hash takes effect.
public final class RiskParametersFile: RiskParametersSource {
    public let path: String
    private let logger: Logger
    private let state: Mutex<(parameters: RiskParameters, modified: Date?, lastError: String?)>

    public var sourceDescription: String { path }

    /// Loads the file; throws if the first load is invalid (a process must not start on bad limits).
    public init(path: String, logger: Logger = Logger(label: "catalyst.config")) throws {
        self.path = path
        self.logger = logger
        let parameters = try Self.load(path)
        state = Mutex((parameters, Self.modificationDate(path), nil))
    }

    public func current() -> RiskParameters {
        let modified = Self.modificationDate(path)
        return state.withLock { s in
            guard modified != s.modified else { return s.parameters }
            s.modified = modified
            do {
                s.parameters = try Self.load(path)
                s.lastError = nil
                logger.notice("risk parameters reloaded", metadata: ["path": "\(path)", "hash": "\(s.parameters.hash.prefix(12))"])
            } catch {
                s.lastError = "\(error)"
                logger.error("risk parameters refused; keeping the last good ones", metadata: ["error": "\(error)"])
            }
            return s.parameters
        }
    }

    /// The last refused edit, if the file is currently invalid.
    public var lastError: String? { state.withLock { $0.lastError } }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var line: Int?
        public var key: String
        public var reason: String

        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(key): \(reason)" }
    }

    /// Reads and validates the file.
    public static func load(_ path: String) throws -> RiskParameters {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Invalid(path: path, line: nil, key: "(file)", reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    /// Validates a whole parameters document; `source` names it in errors.
    public static func parse(_ text: String, source path: String) throws -> RiskParameters {
        let known = Set(RiskParameters.wireKeys)
        if let tree = try? Yams.load(yaml: text) as? [String: Any] {
            for key in tree.keys.sorted() where !known.contains(key) {
                throw Invalid(path: path, line: line(of: key, in: text), key: key, reason: "unknown key")
            }
        }
        let parameters: RiskParameters
        do {
            parameters = try YAMLDecoder().decode(RiskParameters.self, from: text)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Invalid(path: path, line: nil, key: key.stringValue, reason: "missing (every key is required)")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.dataCorrupted(ctx) {
            let key = ctx.codingPath.last?.stringValue ?? "(document)"
            throw Invalid(path: path, line: line(of: key, in: text), key: key, reason: ctx.debugDescription)
        } catch let DecodingError.valueNotFound(_, ctx) {
            let key = ctx.codingPath.last?.stringValue ?? "(document)"
            throw Invalid(path: path, line: line(of: key, in: text), key: key, reason: "no value")
        } catch {
            throw Invalid(path: path, line: nil, key: "(document)", reason: "\(error)")
        }
        if let bad = parameters.invalidFields().first {
            throw Invalid(path: path, line: line(of: bad, in: text), key: bad, reason: "out of range")
        }
        return parameters
    }

    static func line(of key: String, in text: String) -> Int? {
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if l.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") { return i + 1 }
        }
        return nil
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
