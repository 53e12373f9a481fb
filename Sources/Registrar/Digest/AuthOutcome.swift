/// Which header pair a challenge uses: `WWW-Authenticate`/`Authorization` with 401 (a registrar
/// or UAS, e.g. REGISTER) or `Proxy-Authenticate`/`Proxy-Authorization` with 407 (a proxy or
/// B2BUA, e.g. INVITE), RFC 3261 §22.2–22.3.
public enum ChallengeStyle: Sendable, Equatable {
    case www
    case proxy

    public var status: Int { self == .www ? 401 : 407 }
    public var phrase: String { self == .www ? "Unauthorized" : "Proxy Authentication Required" }
    public var challengeHeader: String { self == .www ? "WWW-Authenticate" : "Proxy-Authenticate" }
    public var credentialsHeader: String { self == .www ? "Authorization" : "Proxy-Authorization" }
}

/// A request to authenticate: the method and Request-URI (both enter the digest), the values of
/// every credentials header of `style` (``ChallengeStyle/credentialsHeader``), and optionally the
/// username the request must be from (the AOR's user for REGISTER).
public struct DigestRequest: Sendable {
    public var method: String
    public var requestURI: String
    public var credentials: [String]
    public var style: ChallengeStyle
    public var expectedUsername: String?

    public init(method: String, requestURI: String, credentials: [String], style: ChallengeStyle,
                expectedUsername: String? = nil) {
        self.method = method
        self.requestURI = requestURI
        self.credentials = credentials
        self.style = style
        self.expectedUsername = expectedUsername
    }
}

/// Why a request is challenged (401/407) rather than accepted or refused. None of these count as
/// an authentication failure for ``AuthFailureLimiter``.
public enum ChallengeReason: Sendable, Equatable {
    case noCredentials
    case otherRealm(String)
    case unsupportedAlgorithm(String)
    case unsupportedQop(String?)
    case unknownNonce
    case opaqueMismatch
    /// The nonce expired but the response was right (`stale=true`).
    case staleNonce
    /// The nonce may have left the nonce-count table (`stale=true`).
    case forgottenNonce
}

/// Why a request is refused. All of these count as failures for ``AuthFailureLimiter``. The reply
/// for ``unknownUser(_:)`` is the same as for ``wrongPassword(_:)``; only logs tell them apart.
public enum AuthFailureReason: Sendable, Equatable {
    case malformed(DigestHeaderError)
    case uriMismatch(credentials: String, request: String)
    case usernameMismatch(credentials: String, expected: String)
    case unknownUser(String)
    case wrongPassword(String)
    /// The user has no HA1 for the algorithm the client chose.
    case noSecretForAlgorithm(String, DigestAlgorithm)
    case nonceCountReplay(username: String, count: UInt32, last: UInt32)
}

/// The decision for one request.
public enum AuthOutcome: Sendable, Equatable {
    case authenticated(DirectoryUser, DigestAlgorithm)
    case challenge(Reply, ChallengeReason)
    case rejected(Reply, AuthFailureReason)

    /// The reply to send, unless the request may proceed.
    public var reply: Reply? {
        switch self {
        case .authenticated: return nil
        case .challenge(let reply, _), .rejected(let reply, _): return reply
        }
    }

    /// Whether to feed ``AuthFailureLimiter/recordFailure(from:now:)``.
    public var isFailure: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// A short reason for structured logs.
    public var logReason: String {
        switch self {
        case .authenticated(let user, let algorithm): return "authenticated \(user.username) (\(algorithm))"
        case .challenge(_, let reason): return "challenge: \(reason)"
        case .rejected(_, let reason): return "rejected: \(reason)"
        }
    }
}
