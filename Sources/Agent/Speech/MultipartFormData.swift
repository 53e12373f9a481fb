import Foundation

/// A `multipart/form-data` request body (RFC 7578): text fields and files, in order.
///
/// The boundary is chosen by the caller (random in production, fixed in tests); it must not
/// occur in any part, which a random boundary of 32 hex digits guarantees in practice.
struct MultipartFormData: Sendable {
    let boundary: String
    private var parts: [Part] = []

    private struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var body: [UInt8]
    }

    init(boundary: String) {
        self.boundary = boundary
    }

    /// A boundary of 32 random hex digits.
    static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }
        return "parley-" + digits.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(_ name: String, _ value: String) {
        parts.append(Part(name: name, filename: nil, contentType: nil, body: Array(value.utf8)))
    }

    mutating func addFile(_ name: String, filename: String, contentType: String, data: [UInt8]) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, body: data))
    }

    /// The encoded body.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(64) { $0 + $1.body.count + 160 })
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8)
            var disposition = "Content-Disposition: form-data; name=\"\(Self.quoted(part.name))\""
            if let filename = part.filename { disposition += "; filename=\"\(Self.quoted(filename))\"" }
            out += Array((disposition + "\r\n").utf8)
            if let contentType = part.contentType { out += Array("Content-Type: \(contentType)\r\n".utf8) }
            out += Array("\r\n".utf8)
            out += part.body
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// Names and filenames are ours (fixed ASCII), but quotes and line breaks are escaped anyway.
    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}
