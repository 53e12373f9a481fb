/// The credentials a client sends in `Authorization` or `Proxy-Authorization` (RFC 3261 §22.4,
/// RFC 2617 §3.2.2, RFC 7616 §3.4). A value type that reads and writes itself: ``parse(_:)``
/// checks the grammar and the parameters digest needs, ``headerValue`` writes it back.
public struct DigestCredentials: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    public var uri: String
    /// The request-digest as sent (hex, either case).
    public var response: String
    /// The `algorithm` token as sent; nil means MD5 (RFC 2617 §3.2.1).
    public var algorithm: String?
    public var cnonce: String?
    /// `nc` as its 8 hex digits (they are part of the hashed string, so kept verbatim).
    public var nonceCount: String?
    public var qop: String?
    public var opaque: String?
    /// Parameters digest does not use (`userhash`, extensions), kept for logs and round trips.
    public var otherParameters: [AuthParameter]

    public init(username: String, realm: String, nonce: String, uri: String, response: String,
                algorithm: String? = nil, cnonce: String? = nil, nonceCount: String? = nil, qop: String? = nil,
                opaque: String? = nil, otherParameters: [AuthParameter] = []) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.cnonce = cnonce
        self.nonceCount = nonceCount
        self.qop = qop
        self.opaque = opaque
        self.otherParameters = otherParameters
    }

    /// `nc` as a number, when present and well formed.
    public var nonceCountValue: UInt32? { nonceCount.flatMap { UInt32($0, radix: 16) } }

    private static let known: Set<String> = [
        "username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "nc", "qop", "opaque",
    ]

    public static func parse(_ headerValue: String) throws(DigestHeaderError) -> DigestCredentials {
        let scheme = AuthParameterList.scheme(of: headerValue)
        guard scheme.isEmpty || scheme.lowercased() == "digest" else { throw .unsupportedScheme(scheme) }
        let list = try AuthParameterList.parse(headerValue)
        func required(_ name: String) throws(DigestHeaderError) -> String {
            guard let value = list.value(name) else { throw .missingParameter(name) }
            return value
        }
        var credentials = DigestCredentials(
            username: try required("username"), realm: try required("realm"), nonce: try required("nonce"),
            uri: try required("uri"), response: try required("response"),
            algorithm: list.value("algorithm"), cnonce: list.value("cnonce"), nonceCount: list.value("nc"),
            qop: list.value("qop"), opaque: list.value("opaque"),
            otherParameters: list.parameters.filter { !known.contains($0.name) })
        let response = credentials.response
        guard response.count == 32 || response.count == 64, Hex.decode(response) != nil else {
            throw .invalidResponse(response)
        }
        if credentials.qop != nil {
            // RFC 2617 §3.2.2: with qop, cnonce and nc MUST be present; nc is exactly 8LHEX.
            guard credentials.cnonce != nil else { throw .missingParameter("cnonce") }
            guard let nc = credentials.nonceCount else { throw .missingParameter("nc") }
            guard nc.utf8.count == 8, nc.utf8.allSatisfy({ Hex.value($0) != nil }) else { throw .invalidNonceCount(nc) }
        } else {
            credentials.nonceCount = nil
            credentials.cnonce = nil
        }
        return credentials
    }

    /// The header value, e.g. `Digest username="1001", realm="parley", ...`.
    public var headerValue: String {
        var fields = [
            "username=\(quoted(username))", "realm=\(quoted(realm))", "nonce=\(quoted(nonce))",
            "uri=\(quoted(uri))", "response=\(quoted(response))",
        ]
        if let algorithm { fields.append("algorithm=\(tokenOrQuoted(algorithm))") }
        if let cnonce { fields.append("cnonce=\(quoted(cnonce))") }
        if let opaque { fields.append("opaque=\(quoted(opaque))") }
        if let qop { fields.append("qop=\(tokenOrQuoted(qop))") }
        if let nonceCount { fields.append("nc=\(tokenOrQuoted(nonceCount))") }
        for parameter in otherParameters {
            fields.append("\(parameter.name)=\(parameter.quoted ? quoted(parameter.value) : parameter.value)")
        }
        return "Digest " + fields.joined(separator: ", ")
    }
}
