import Foundation

/// A problem in a CSV file, naming the file, the line (1-based, the header is line 1) and the field, so
/// that a user can open the file and fix it.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column name (or the expected one, for a missing column).
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `bars.csv:17: field "close": not a number: "12,5"`
    public var description: String { "\(file):\(line): field \"\(field)\": \(message)" }
}
