/// One digest challenge, the value of a `WWW-Authenticate` (401) or `Proxy-Authenticate` (407)
/// header (RFC 3261 §22.1, RFC 2617 §3.2.1, RFC 7616 §3.3). The registrar sends one per offered
/// algorithm; ``parse(_:)`` exists for clients and tests.
public struct DigestChallenge: Sendable, Equatable {
    public var realm: String
    public var nonce: String
    public var opaque: String?
    public var algorithm: DigestAlgorithm
    public var qop: [String]
    /// RFC 2617 §3.2.1: the previous nonce was expired but the response was right; retry silently.
    public var stale: Bool

    public init(realm: String, nonce: String, opaque: String?, algorithm: DigestAlgorithm,
                qop: [String] = ["auth"], stale: Bool = false) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qop = qop
        self.stale = stale
    }

    public var headerValue: String {
        var fields = ["realm=\(quoted(realm))", "nonce=\(quoted(nonce))"]
        if let opaque { fields.append("opaque=\(quoted(opaque))") }
        fields.append("algorithm=\(algorithm.rawValue)")
        if !qop.isEmpty { fields.append("qop=\(quoted(qop.joined(separator: ",")))") }
        if stale { fields.append("stale=true") }
        return "Digest " + fields.joined(separator: ", ")
    }

    public static func parse(_ headerValue: String) throws(DigestHeaderError) -> DigestChallenge {
        let scheme = AuthParameterList.scheme(of: headerValue)
        guard scheme.isEmpty || scheme.lowercased() == "digest" else { throw .unsupportedScheme(scheme) }
        let list = try AuthParameterList.parse(headerValue)
        guard let realm = list.value("realm") else { throw .missingParameter("realm") }
        guard let nonce = list.value("nonce") else { throw .missingParameter("nonce") }
        var algorithm = DigestAlgorithm.md5
        if let token = list.value("algorithm") {
            guard let known = DigestAlgorithm(token: token) else { throw .unsupportedAlgorithm(token) }
            algorithm = known
        }
        let qop = list.value("qop").map {
            $0.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        } ?? []
        return DigestChallenge(realm: realm, nonce: nonce, opaque: list.value("opaque"), algorithm: algorithm,
                               qop: qop, stale: list.value("stale")?.lowercased() == "true")
    }
}
