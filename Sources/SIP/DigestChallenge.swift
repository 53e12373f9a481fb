/// The parts of a Digest challenge (WWW-Authenticate / Proxy-Authenticate) a client needs to
/// answer it through Sofia (RFC 3261 §22.4 / RFC 7616). Only reads; never traps on bad input.
public struct DigestChallenge: Sendable, Equatable {
    public var realm: String
    public var algorithm: String?

    /// Parses `Digest realm="x", nonce="y", ...`; nil when it is not a Digest challenge with a realm.
    public init?(_ header: String) {
        let trimmed = header.drop { $0 == " " }
        guard trimmed.lowercased().hasPrefix("digest") else { return nil }
        var params: [String: String] = [:]
        var rest = Substring(trimmed.dropFirst("digest".count))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let name = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: eq)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end: Substring.Index?
                for i in rest.indices {
                    let c = rest[i]
                    if escaped { value.append(c); escaped = false; continue }
                    if c == "\\" { escaped = true; continue }
                    if c == "\"" { end = i; break }
                    value.append(c)
                }
                // An unterminated quoted string makes the whole challenge malformed.
                guard let end else { return nil }
                rest = rest[rest.index(after: end)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            params[name] = value
        }
        guard let realm = params["realm"] else { return nil }
        self.realm = realm
        algorithm = params["algorithm"]
    }
}

import Foundation
