/// One `name=value` pair of an auth header. `name` is lower-cased (auth-param names are
/// case-insensitive, RFC 7235 §2.1); `value` has its quotes and escapes removed.
public struct AuthParameter: Sendable, Equatable {
    public var name: String
    public var value: String
    public var quoted: Bool
}

/// The generic shape of an auth header value: `scheme name=value, name="quoted \" value", ...`
/// (RFC 3261 §25.1 `challenge`/`credentials`, RFC 7235 §2.1). Reading it never traps; anything
/// outside the grammar is a ``DigestHeaderError`` naming the offending byte.
struct AuthParameterList: Sendable, Equatable {
    static let maximumLength = 8192
    static let maximumParameters = 64

    var scheme: String
    var parameters: [AuthParameter]

    func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    /// The leading auth-scheme token, so a caller can refuse other schemes (`Basic`, `Bearer` with
    /// token68 credentials) before their parameters are read as auth-params.
    static func scheme(of text: String) -> String {
        String(decoding: Array(text.trimmingWhitespace().utf8).prefix { isTokenByte($0) }, as: UTF8.self)
    }

    static func parse(_ text: String) throws(DigestHeaderError) -> AuthParameterList {
        var scanner = Scanner(bytes: Array(text.utf8))
        return try scanner.parseList()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseList() throws(DigestHeaderError) -> AuthParameterList {
            guard bytes.count <= AuthParameterList.maximumLength else { throw .tooLong(bytes: bytes.count) }
            skipWhitespace()
            guard index < bytes.count else { throw .empty }
            let scheme = readToken()
            guard !scheme.isEmpty else { throw .expectedScheme(offset: index) }
            guard index < bytes.count else { throw .noParameters }
            guard isLinearWhitespace(bytes[index]) else { throw .invalidCharacter(offset: index) }
            var parameters: [AuthParameter] = []
            var seen: Set<String> = []
            // Each pass consumes at least one byte or ends, so the loop is bounded by the length.
            while true {
                skipWhitespace()
                guard index < bytes.count else { break }
                if bytes[index] == comma {
                    index += 1   // empty list elements are allowed (RFC 7230 §7)
                    continue
                }
                let parameter = try readParameter()
                guard seen.insert(parameter.name).inserted else { throw .duplicateParameter(parameter.name) }
                parameters.append(parameter)
                guard parameters.count <= AuthParameterList.maximumParameters else {
                    throw .tooManyParameters(parameters.count)
                }
                skipWhitespace()
                guard index < bytes.count else { break }
                guard bytes[index] == comma else { throw .expectedComma(offset: index) }
                index += 1
            }
            guard !parameters.isEmpty else { throw .noParameters }
            return AuthParameterList(scheme: scheme, parameters: parameters)
        }

        private mutating func readParameter() throws(DigestHeaderError) -> AuthParameter {
            let nameOffset = index
            let name = readToken().lowercased()
            guard !name.isEmpty else { throw .expectedParameterName(offset: nameOffset) }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == equals else { throw .expectedEquals(name: name, offset: index) }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw .missingValue(name: name) }
            if bytes[index] == quote {
                return AuthParameter(name: name, value: try readQuoted(name: name), quoted: true)
            }
            let start = index
            while index < bytes.count, !isLinearWhitespace(bytes[index]), bytes[index] != comma {
                let byte = bytes[index]
                guard byte > 0x20, byte < 0x7f, byte != quote else { throw .invalidCharacter(offset: index) }
                index += 1
            }
            guard index > start else { throw .missingValue(name: name) }
            return AuthParameter(name: name, value: String(decoding: bytes[start..<index], as: UTF8.self), quoted: false)
        }

        /// quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 §25.1).
        private mutating func readQuoted(name: String) throws(DigestHeaderError) -> String {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote {
                    index += 1
                    guard let text = String(validating: value, as: UTF8.self) else { throw .invalidUTF8(name: name) }
                    return text
                }
                if byte == backslash {
                    guard index + 1 < bytes.count else { throw .unterminatedQuote(name: name) }
                    let escaped = bytes[index + 1]
                    guard escaped != 0x0a, escaped != 0x0d else { throw .invalidCharacter(offset: index + 1) }
                    value.append(escaped)
                    index += 2
                    continue
                }
                guard byte >= 0x20 || isLinearWhitespace(byte), byte != 0x7f else { throw .invalidCharacter(offset: index) }
                value.append(byte)
                index += 1
            }
            throw .unterminatedQuote(name: name)
        }

        private mutating func readToken() -> String {
            let start = index
            while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, isLinearWhitespace(bytes[index]) { index += 1 }
        }
    }
}

private let comma = UInt8(ascii: ",")
private let equals = UInt8(ascii: "=")
private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")
