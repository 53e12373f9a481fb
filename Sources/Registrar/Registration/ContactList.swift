/// Why a `Contact` header value could not be read.
public enum ContactError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int)
    case unterminatedQuote
    case unterminatedAngleBracket
    case emptyURI
    case invalidURI(String)
    case wildcardNotAlone
    case invalidParameter(String)
    case unexpectedText(String)

    public var description: String {
        switch self {
        case .empty: return "empty Contact"
        case .tooLong(let bytes): return "Contact too long (\(bytes) bytes)"
        case .unterminatedQuote: return "unterminated quoted string"
        case .unterminatedAngleBracket: return "'<' without '>'"
        case .emptyURI: return "empty URI"
        case .invalidURI(let uri): return "invalid character in URI '\(uri)'"
        case .wildcardNotAlone: return "'*' must be the only Contact"
        case .invalidParameter(let text): return "invalid parameter '\(text)'"
        case .unexpectedText(let text): return "unexpected text '\(text)'"
        }
    }
}

/// The `Contact` header values of a REGISTER: either the wildcard `*` (remove every binding,
/// RFC 3261 §10.2.2) or a list of ``ContactValue``s. Reads several header values, each possibly a
/// comma-separated list; commas inside quotes or angle brackets do not split.
public enum ContactList: Sendable, Equatable {
    case wildcard
    case contacts([ContactValue])

    static let maximumLength = 16_384

    public static func parse(_ headerValues: [String]) throws(ContactError) -> ContactList {
        var contacts: [ContactValue] = []
        var sawWildcard = false
        for headerValue in headerValues {
            guard headerValue.utf8.count <= maximumLength else { throw .tooLong(bytes: headerValue.utf8.count) }
            for element in try split(headerValue) {
                let trimmed = element.trimmingWhitespace()
                if trimmed.isEmpty { continue }
                if trimmed == "*" {
                    sawWildcard = true
                } else {
                    contacts.append(try parseEntry(trimmed))
                }
            }
        }
        if sawWildcard {
            guard contacts.isEmpty, headerValues.count == 1 else { throw .wildcardNotAlone }
            return .wildcard
        }
        return .contacts(contacts)
    }

    /// Splits at commas outside quoted strings and `<...>` (RFC 3261 §7.3.1).
    static func split(_ text: String) throws(ContactError) -> [String] {
        var elements: [String] = []
        var current: [UInt8] = []
        var inQuotes = false, inBrackets = false, escaped = false
        for byte in text.utf8 {
            if inQuotes {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inBrackets = true
            } else if byte == UInt8(ascii: ">") {
                inBrackets = false
            } else if byte == UInt8(ascii: ","), !inBrackets {
                elements.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                continue
            }
            current.append(byte)
        }
        if inQuotes { throw .unterminatedQuote }
        if inBrackets { throw .unterminatedAngleBracket }
        elements.append(String(decoding: current, as: UTF8.self))
        return elements
    }

    /// One `(name-addr / addr-spec) *(SEMI contact-params)`.
    static func parseEntry(_ text: String) throws(ContactError) -> ContactValue {
        var displayName: String?
        var rest = Substring(text)
        if rest.hasPrefix("\"") {
            let (name, after) = try readQuoted(rest)
            displayName = name
            rest = Substring(after.trimmingWhitespace())
            guard rest.hasPrefix("<") else { throw .unexpectedText(String(rest)) }
        }
        let uri: String
        let parameterText: Substring
        if let open = rest.firstIndex(of: "<") {
            let name = rest[..<open].trimmingWhitespace()
            if displayName == nil, !name.isEmpty { displayName = name }
            guard let close = rest[open...].firstIndex(of: ">") else { throw .unterminatedAngleBracket }
            uri = rest[rest.index(after: open)..<close].trimmingWhitespace()
            parameterText = rest[rest.index(after: close)...]
        } else {
            // addr-spec: every ';' after the URI starts a header parameter (RFC 3261 §20.10).
            let semicolon = rest.firstIndex(of: ";") ?? rest.endIndex
            uri = String(rest[..<semicolon])
            parameterText = rest[semicolon...]
            guard !uri.contains(where: { $0.isWhitespace }) else { throw .unexpectedText(text) }
        }
        guard !uri.isEmpty else { throw .emptyURI }
        guard !uri.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" }) else {
            throw .invalidURI(uri)
        }
        return ContactValue(displayName: displayName, uri: uri, parameters: try parseParameters(parameterText))
    }

    private static func parseParameters(_ text: Substring) throws(ContactError) -> [ContactValue.Parameter] {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return [] }
        guard trimmed.hasPrefix(";") else { throw .unexpectedText(trimmed) }
        var parameters: [ContactValue.Parameter] = []
        var rest = Substring(trimmed)
        while rest.hasPrefix(";") {
            rest = Substring(rest.dropFirst().trimmingWhitespace())
            let nameEnd = rest.firstIndex(where: { $0 == "=" || $0 == ";" || $0.isWhitespace }) ?? rest.endIndex
            let name = String(rest[..<nameEnd])
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { throw .invalidParameter(String(rest)) }
            rest = Substring(rest[nameEnd...].trimmingWhitespace())
            guard rest.hasPrefix("=") else {
                parameters.append(.init(name: name.lowercased(), value: nil))
                continue
            }
            rest = Substring(rest.dropFirst().trimmingWhitespace())
            if rest.hasPrefix("\"") {
                let (value, after) = try readQuoted(rest)
                parameters.append(.init(name: name.lowercased(), value: value, quoted: true))
                rest = Substring(after.trimmingWhitespace())
            } else {
                let valueEnd = rest.firstIndex(where: { $0 == ";" || $0.isWhitespace }) ?? rest.endIndex
                let value = String(rest[..<valueEnd])
                guard !value.isEmpty, !value.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" }) else {
                    throw .invalidParameter(name)
                }
                parameters.append(.init(name: name.lowercased(), value: value))
                rest = Substring(rest[valueEnd...].trimmingWhitespace())
            }
        }
        guard rest.isEmpty else { throw .unexpectedText(String(rest)) }
        return parameters
    }

    /// Reads a quoted-string at the start of `text`; returns its unescaped content and the rest.
    private static func readQuoted(_ text: Substring) throws(ContactError) -> (String, Substring) {
        var value = ""
        var index = text.index(after: text.startIndex)
        var escaped = false
        while index < text.endIndex {
            let char = text[index]
            index = text.index(after: index)
            if escaped {
                value.append(char)
                escaped = false
            } else if char == "\\" {
                escaped = true
            } else if char == "\"" {
                return (value, text[index...])
            } else {
                value.append(char)
            }
        }
        throw .unterminatedQuote
    }
}
