import CCurl
import Foundation

/// Sends one message with libcurl's SMTP support (Foundation's URLSession has no SMTP). Blocking; the
/// alert service calls it off the cooperative pool.
public struct SMTPMailer: Sendable {
    public let configuration: SMTPConfiguration

    public init(configuration: SMTPConfiguration) { self.configuration = configuration }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The RFC 5322 message: headers, a blank line, the body, CRLF line endings.
    public static func message(from: String, to: [String], subject: String, body: String, date: Date, messageID: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let headers = [
            "Date: \(f.string(from: date))", "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(subject)",
            "Message-ID: <\(messageID)@catalyst-ledger>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
        ]
        // Dot-stuffing is curl's job; normalise line endings here.
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
    }

    public func send(to recipients: [String], subject: String, body: String, date: Date, messageID: String) throws {
        guard !recipients.isEmpty else { throw Failure(description: "no recipients") }
        let payload = Self.message(from: configuration.from, to: recipients, subject: subject, body: body, date: date, messageID: messageID)
        guard let curl = curl_easy_init() else { throw Failure(description: "curl_easy_init failed") }
        defer { curl_easy_cleanup(curl) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for r in recipients { list = curl_slist_append(list, "<\(r)>") }
        defer { curl_slist_free_all(list) }
        let source = PayloadSource(Array(payload.utf8))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errbuf in
            ccurl_setopt_string(curl, CURLOPT_URL, "smtp://\(configuration.host):\(configuration.port)")
            ccurl_setopt_string(curl, CURLOPT_MAIL_FROM, "<\(configuration.from)>")
            ccurl_setopt_slist(curl, CURLOPT_MAIL_RCPT, list)
            ccurl_setopt_long(curl, CURLOPT_UPLOAD, 1)
            ccurl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, 10)
            ccurl_setopt_long(curl, CURLOPT_TIMEOUT, 30)
            ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
            ccurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errbuf.baseAddress)
            if configuration.requireTLS { ccurl_setopt_long(curl, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
            if let u = configuration.username, let p = configuration.password {
                ccurl_setopt_string(curl, CURLOPT_USERNAME, u)
                ccurl_setopt_string(curl, CURLOPT_PASSWORD, p)
            }
            ccurl_setopt_read_function(curl) { buffer, size, count, user in
                guard let buffer, let user else { return 0 }
                let source = Unmanaged<PayloadSource>.fromOpaque(user).takeUnretainedValue()
                return source.read(into: buffer, capacity: size * count)
            }
            ccurl_setopt_pointer(curl, CURLOPT_READDATA, unmanaged.toOpaque())
            return curl_easy_perform(curl)
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw Failure(description: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
    }
}

/// The message bytes handed to curl's read callback in pieces.
private final class PayloadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let n = min(capacity, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
