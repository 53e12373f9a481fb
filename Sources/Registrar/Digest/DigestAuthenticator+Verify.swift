import Foundation

extension DigestAuthenticator {
    /// Checks the request's credentials and decides: proceed, challenge (401/407), or refuse.
    ///
    /// Order matters for anti-enumeration: everything that does not depend on the user (syntax,
    /// realm, algorithm, URI, nonce signature) is checked first; then the response is computed for
    /// every username (a decoy HA1 stands in for unknown users) and compared in constant time;
    /// nonce expiry and nonce-count are judged only once the response proved the password.
    public mutating func authenticate(_ request: DigestRequest, now: Date) -> AuthOutcome {
        let style = request.style
        let credentials: DigestCredentials
        switch select(request.credentials) {
        case .none:
            return .challenge(challenge(style, now: now), .noCredentials)
        case .malformed(let error):
            return .rejected(.badRequest(), .malformed(error))
        case .otherRealm(let realm):
            return .challenge(challenge(style, now: now), .otherRealm(realm))
        case .found(let found):
            credentials = found
        }

        let algorithmToken = credentials.algorithm ?? DigestAlgorithm.md5.rawValue
        guard let algorithm = DigestAlgorithm(token: algorithmToken), configuration.algorithms.contains(algorithm) else {
            return .challenge(challenge(style, now: now), .unsupportedAlgorithm(algorithmToken))
        }
        // RFC 3261 §22.4 keeps RFC 2069 clients working, but we always offer qop=auth and require it
        // so that nonce-counts protect against replay.
        guard let qop = credentials.qop, qop.lowercased() == "auth", let count = credentials.nonceCountValue else {
            return .challenge(challenge(style, now: now), .unsupportedQop(credentials.qop))
        }
        guard Self.sameURI(credentials.uri, request.requestURI) else {
            return .rejected(.badRequest(), .uriMismatch(credentials: credentials.uri, request: request.requestURI))
        }
        guard credentials.opaque == nil || credentials.opaque == opaque else {
            return .challenge(challenge(style, now: now), .opaqueMismatch)
        }
        let nonceStatus = issuer.validate(credentials.nonce, now: now)
        let issuedAt: UInt64
        switch nonceStatus {
        case .invalid: return .challenge(challenge(style, now: now), .unknownNonce)
        case .fresh(let at), .expired(let at): issuedAt = at
        }
        if let expected = request.expectedUsername, expected != credentials.username {
            return .rejected(failureReply(style, now: now),
                             .usernameMismatch(credentials: credentials.username, expected: expected))
        }

        let user = directory.user(credentials.username)
        let userHA1 = keys[credentials.username]?.ha1(algorithm)
        let ha1 = userHA1 ?? decoyKeys.ha1(algorithm) ?? ""
        let expected = algorithm.response(ha1: ha1, nonce: credentials.nonce, nonceCount: credentials.nonceCount,
                                          cnonce: credentials.cnonce, qop: qop, method: request.method,
                                          uri: credentials.uri)
        let matches = Hex.constantTimeEqual(Array(expected.utf8), Array(credentials.response.lowercased().utf8))
        guard let user, userHA1 != nil, matches else {
            let reason: AuthFailureReason
            if user == nil {
                reason = .unknownUser(credentials.username)
            } else if userHA1 == nil {
                reason = .noSecretForAlgorithm(credentials.username, algorithm)
            } else {
                reason = .wrongPassword(credentials.username)
            }
            return .rejected(failureReply(style, now: now), reason)
        }

        if case .expired = nonceStatus {
            return .challenge(challenge(style, stale: true, now: now), .staleNonce)
        }
        switch nonceCounts.accept(nonce: credentials.nonce, issuedAt: issuedAt, count: count) {
        case .accepted:
            return .authenticated(user, algorithm)
        case .forgotten:
            return .challenge(challenge(style, stale: true, now: now), .forgottenNonce)
        case .replayed(let count, let last):
            return .rejected(failureReply(style, now: now),
                             .nonceCountReplay(username: credentials.username, count: count, last: last))
        }
    }

    private enum Selection {
        case none
        case malformed(DigestHeaderError)
        case otherRealm(String)
        case found(DigestCredentials)
    }

    /// Picks the credentials for our realm among possibly several headers (RFC 3261 §22.3).
    private func select(_ values: [String]) -> Selection {
        var firstError: DigestHeaderError?
        var otherRealm: String?
        for value in values {
            do throws(DigestHeaderError) {
                let credentials = try DigestCredentials.parse(value)
                if credentials.realm == configuration.realm { return .found(credentials) }
                otherRealm = otherRealm ?? credentials.realm
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { return .malformed(firstError) }
        if let otherRealm { return .otherRealm(otherRealm) }
        return .none
    }

    private func failureReply(_ style: ChallengeStyle, now: Date) -> Reply {
        switch configuration.failureReply {
        case .forbidden: return .forbidden()
        case .challenge: return challenge(style, now: now)
        }
    }

    /// RFC 2617 §3.2.2.5: the digest-uri must be the Request-URI. Clients and stacks re-serialise
    /// URIs, so scheme and host case and default formatting differences are tolerated.
    static func sameURI(_ credentialsURI: String, _ requestURI: String) -> Bool {
        if credentialsURI == requestURI { return true }
        guard let lhs = try? SIPURI.parse(credentialsURI), let rhs = try? SIPURI.parse(requestURI) else { return false }
        return lhs.comparisonKey == rhs.comparisonKey
    }
}
