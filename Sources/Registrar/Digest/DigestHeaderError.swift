/// Why an `Authorization`, `Proxy-Authorization` or `WWW-Authenticate` value could not be read.
/// Offsets are byte offsets into the header value; names are the lower-cased parameter names.
public enum DigestHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int)
    case expectedScheme(offset: Int)
    case unsupportedScheme(String)
    case unsupportedAlgorithm(String)
    case noParameters
    case expectedParameterName(offset: Int)
    case expectedEquals(name: String, offset: Int)
    case missingValue(name: String)
    case unterminatedQuote(name: String)
    case invalidCharacter(offset: Int)
    case expectedComma(offset: Int)
    case invalidUTF8(name: String)
    case duplicateParameter(String)
    case tooManyParameters(Int)
    case missingParameter(String)
    case invalidNonceCount(String)
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .empty: return "empty header value"
        case .tooLong(let bytes): return "header value too long (\(bytes) bytes)"
        case .expectedScheme(let offset): return "expected an auth scheme at byte \(offset)"
        case .unsupportedScheme(let scheme): return "unsupported auth scheme '\(scheme)'"
        case .unsupportedAlgorithm(let token): return "unsupported digest algorithm '\(token)'"
        case .noParameters: return "no auth parameters"
        case .expectedParameterName(let offset): return "expected a parameter name at byte \(offset)"
        case .expectedEquals(let name, let offset): return "expected '=' after '\(name)' at byte \(offset)"
        case .missingValue(let name): return "parameter '\(name)' has no value"
        case .unterminatedQuote(let name): return "unterminated quoted string in '\(name)'"
        case .invalidCharacter(let offset): return "invalid character at byte \(offset)"
        case .expectedComma(let offset): return "expected ',' at byte \(offset)"
        case .invalidUTF8(let name): return "parameter '\(name)' is not valid UTF-8"
        case .duplicateParameter(let name): return "parameter '\(name)' appears twice"
        case .tooManyParameters(let count): return "too many parameters (\(count))"
        case .missingParameter(let name): return "missing parameter '\(name)'"
        case .invalidNonceCount(let value): return "nc '\(value)' is not 8 hex digits"
        case .invalidResponse(let value): return "response '\(value)' is not a hex digest"
        }
    }
}
