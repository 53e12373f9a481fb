/// The parts of a `sip:` or `sips:` URI (RFC 3261 §19.1) the registrar needs: to validate a
/// Contact, to key bindings, and to compare a digest-uri with the Request-URI. It does not
/// unescape or validate every character class; it never traps on any input.
public struct SIPURI: Sendable, Equatable {
    /// `sip` or `sips`, lower-cased.
    public var scheme: String
    public var user: String?
    public var host: String
    public var port: Int?
    /// URI parameters with lower-cased names, in order.
    public var parameters: [URIParameter]

    public struct URIParameter: Sendable, Equatable {
        public var name: String
        public var value: String?
    }

    /// Why a URI was refused.
    public enum ParseError: Error, Sendable, Equatable {
        case missingScheme(String)
        case unsupportedScheme(String)
        case emptyHost(String)
        case invalidPort(String)
        case invalidCharacter(String)
    }

    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Equal for URIs RFC 3261 §19.1.4 treats as equal, within what this type reads: scheme and host
    /// are case-insensitive, the user is case-sensitive, an explicit port differs from none, and
    /// `transport`, `user`, `method`, `maddr`, `ttl` must match when present.
    public var comparisonKey: String {
        var key = scheme + ":"
        if let user { key += user + "@" }
        key += host.lowercased()
        if let port { key += ":\(port)" }
        for name in ["transport", "user", "method", "maddr", "ttl"] {
            if let value = parameter(name) { key += ";\(name)=\(value.lowercased())" }
        }
        return key
    }

    public static func parse(_ text: String) throws(ParseError) -> SIPURI {
        guard !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }) else {
            throw .invalidCharacter(text)
        }
        guard let colon = text.firstIndex(of: ":") else { throw .missingScheme(text) }
        let scheme = text[..<colon].lowercased()
        guard scheme == "sip" || scheme == "sips" else { throw .unsupportedScheme(String(text[..<colon])) }
        var rest = text[text.index(after: colon)...]
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }   // headers are not compared
        var user: String?
        if let at = rest.firstIndex(of: "@") {
            let userInfo = rest[..<at]
            user = String(userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            rest = rest[rest.index(after: at)...]
        }
        let pieces = rest.split(separator: ";", omittingEmptySubsequences: false)
        let hostPort = pieces.first ?? ""
        let (host, port) = try splitHostPort(hostPort, uri: text)
        let parameters = pieces.dropFirst().filter { !$0.isEmpty }.map { piece -> URIParameter in
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return URIParameter(name: pair[0].lowercased(), value: pair.count > 1 ? String(pair[1]) : nil)
        }
        return SIPURI(scheme: scheme, user: user, host: host, port: port, parameters: parameters)
    }

    private static func splitHostPort(_ text: Substring, uri: String) throws(ParseError) -> (String, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .emptyHost(uri) }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidCharacter(uri) }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, host != "[]" else { throw .emptyHost(uri) }
        guard let portText else { return (String(host), nil) }
        guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65535 else { throw .invalidPort(uri) }
        return (String(host), port)
    }
}
