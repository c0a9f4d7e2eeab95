import Foundation

/// RFC 4180 CSV: comma-separated, fields optionally in double quotes, `""` for a quote inside quotes,
/// quoted fields may hold commas and newlines, LF or CRLF line ends, blank lines skipped.
public struct CSVTable: Sendable {
    /// One data row and the line it starts on.
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public let file: String
    public let header: [String]
    public let rows: [Row]
    private let index: [String: Int]

    /// Parses `text`; `file` is only used in error messages.
    public init(text: String, file: String) throws(CSVError) {
        self.file = file
        var records: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var wasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Row(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == 34 {
                    if i + 1 < bytes.count, bytes[i + 1] == 34 {
                        field.append(34)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == 10 { line += 1 }
                    field.append(c)
                }
            } else if c == 34 {
                guard field.isEmpty, !wasQuoted else {
                    throw CSVError(file: file, line: line, field: "#\(fields.count + 1)", message: "stray quote inside an unquoted field")
                }
                inQuotes = true
                wasQuoted = true
            } else if c == 44 {
                endField()
            } else if c == 10 || c == 13 {
                if c == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError(file: file, line: recordLine, field: "#\(fields.count + 1)", message: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = records.first else { throw CSVError(file: file, line: 1, field: "header", message: "the file is empty") }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        rows = Array(records.dropFirst())
        var index: [String: Int] = [:]
        for (k, name) in header.enumerated() where index[name] == nil { index[name] = k }
        self.index = index
    }

    /// Reads and parses a file.
    public init(contentsOf url: URL) throws(CSVError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CSVError(file: url.path, line: 0, field: "-", message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(text: text, file: url.path)
    }

    /// Fails, naming the header line, unless every column in `names` is present.
    public func require(_ names: [String]) throws(CSVError) {
        for n in names where index[n] == nil {
            throw CSVError(file: file, line: 1, field: n, message: "missing column (header is \"\(header.joined(separator: ","))\")")
        }
    }

    public func has(_ column: String) -> Bool { index[column] != nil }

    /// The trimmed text of `column` in `row`, or an error naming the line and field if the row is short.
    public func text(_ row: Row, _ column: String) throws(CSVError) -> String {
        guard let k = index[column] else { throw CSVError(file: file, line: 1, field: column, message: "missing column") }
        return try text(row, at: k, column)
    }

    /// The position of `column` in the header (look it up once, then read rows with `text(_:at:_:)`).
    public func position(of column: String) -> Int? { index[column] }

    /// The trimmed text of the field at `k` (the position of `column`, which names it in errors).
    public func text(_ row: Row, at k: Int, _ column: String) throws(CSVError) -> String {
        guard k < row.fields.count else {
            throw CSVError(file: file, line: row.line, field: column, message: "row has \(row.fields.count) fields, header has \(header.count)")
        }
        return Self.trimmed(row.fields[k])
    }

    /// `trimmingCharacters(in: .whitespaces)`, without Foundation for the common field that starts and
    /// ends with a printable ASCII character (a recorded day has millions of fields; bridging each one to
    /// `NSString` to trim it was most of the load time).
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
        if plain(first) && plain(last) { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// Like `text`, but nil for an absent column or an empty field.
    public func optionalText(_ row: Row, _ column: String) throws(CSVError) -> String? {
        guard has(column) else { return nil }
        let t = try text(row, column)
        return t.isEmpty ? nil : t
    }

    public func error(_ row: Row, _ column: String, _ message: String) -> CSVError {
        CSVError(file: file, line: row.line, field: column, message: message)
    }
}
