/// A digest hash algorithm the registrar offers and verifies: MD5 (RFC 2617, RFC 3261 §22) and
/// SHA-256 (RFC 7616, RFC 8760). The session variants (`-sess`) are not offered, so a client that
/// picks one is challenged again.
public enum DigestAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    case md5 = "MD5"
    case sha256 = "SHA-256"

    /// Parses the `algorithm` token case-insensitively (RFC 7616 §3.3); nil for anything else.
    public init?(token: String) {
        switch token.uppercased() {
        case "MD5": self = .md5
        case "SHA-256": self = .sha256
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// Length of a hash in lower-case hex.
    public var hexLength: Int { self == .md5 ? 32 : 64 }

    /// H(data) as lower-case hex.
    public func hash(_ text: String) -> String {
        switch self {
        case .md5: return Hex.encode(MD5.hash(text))
        case .sha256: return Hex.encode(SHA256.hash(text))
        }
    }

    /// HA1 = H(username ":" realm ":" password) (RFC 2617 §3.2.2.2).
    public func ha1(username: String, realm: String, password: String) -> String {
        hash("\(username):\(realm):\(password)")
    }

    /// The request-digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1) for qop=auth, or the RFC 2069 form
    /// when `qop` is nil. `ha1` is lower-case hex; the result is lower-case hex.
    public func response(ha1: String, nonce: String, nonceCount: String?, cnonce: String?, qop: String?,
                         method: String, uri: String) -> String {
        let ha2 = hash("\(method):\(uri)")
        if let qop, let nonceCount, let cnonce {
            return hash("\(ha1):\(nonce):\(nonceCount):\(cnonce):\(qop):\(ha2)")
        }
        return hash("\(ha1):\(nonce):\(ha2)")
    }
}
