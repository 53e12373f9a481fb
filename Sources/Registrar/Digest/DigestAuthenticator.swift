import Foundation

/// Server-side SIP digest authentication (RFC 3261 §22, RFC 2617 qop=auth, RFC 7616 / RFC 8760
/// SHA-256). It builds challenges (one header per offered algorithm, MD5 first by default),
/// verifies `Authorization` / `Proxy-Authorization` values against a ``UserDirectory`` with
/// stateless HMAC-signed nonces, `stale=true` on expiry and nonce-count replay checks, and answers
/// unknown users exactly like wrong passwords. It is a sans-I/O value: the caller passes `now`,
/// sends the ``Reply``, and owns the instance on one thread (the SIP thread); it never touches
/// Sofia, sockets or storage.
public struct DigestAuthenticator: Sendable {
    /// What to answer when credentials are checked and wrong (identical for unknown users).
    public enum FailureReply: Sendable, Equatable {
        /// 403 Forbidden: the client stops (most phones then show an auth error).
        case forbidden
        /// A fresh 401/407 challenge: the client may prompt for a password and retry.
        case challenge
    }

    public struct Configuration: Sendable {
        public var realm: String
        /// Key for nonce signatures, at least 16 bytes; keep it across restarts to keep outstanding
        /// nonces valid, or generate it at start.
        public var secret: [UInt8]
        public var nonceLifetime: TimeInterval
        /// Offered in this order, one challenge header each (RFC 8760 §2.4 lets the client pick).
        public var algorithms: [DigestAlgorithm]
        public var failureReply: FailureReply
        /// Nonces whose nonce-count is remembered (bounded LRU).
        public var nonceCountCapacity: Int

        public init(realm: String, secret: [UInt8], nonceLifetime: TimeInterval = 300,
                    algorithms: [DigestAlgorithm] = [.md5, .sha256], failureReply: FailureReply = .forbidden,
                    nonceCountCapacity: Int = 50_000) {
            self.realm = realm
            self.secret = secret
            self.nonceLifetime = nonceLifetime
            self.algorithms = algorithms
            self.failureReply = failureReply
            self.nonceCountCapacity = nonceCountCapacity
        }
    }

    /// Why a configuration was refused.
    public enum ConfigurationError: Error, Sendable, Equatable {
        case secretTooShort(bytes: Int)
        case noAlgorithms
        case invalidRealm(String)
        case invalidNonceLifetime(TimeInterval)
    }

    /// Precomputed HA1 (lower-case hex) per algorithm for one user.
    struct Keys: Sendable {
        var md5: String?
        var sha256: String?
        func ha1(_ algorithm: DigestAlgorithm) -> String? { algorithm == .md5 ? md5 : sha256 }
    }

    public let configuration: Configuration
    public let directory: UserDirectory
    let issuer: NonceIssuer
    let opaque: String
    let keys: [String: Keys]
    /// Stands in for an unknown user's HA1 so the work done matches a known user's.
    let decoyKeys: Keys
    var nonceCounts: NonceCountTracker

    public init(configuration: Configuration, directory: UserDirectory, now: Date) throws(ConfigurationError) {
        guard configuration.secret.count >= 16 else { throw .secretTooShort(bytes: configuration.secret.count) }
        guard !configuration.algorithms.isEmpty else { throw .noAlgorithms }
        guard !configuration.realm.isEmpty, !configuration.realm.contains(where: { $0 == "\"" || $0 == "\\" || $0 == ":" })
        else { throw .invalidRealm(configuration.realm) }
        guard configuration.nonceLifetime > 0 else { throw .invalidNonceLifetime(configuration.nonceLifetime) }
        self.configuration = configuration
        self.directory = directory
        let realm = configuration.realm
        issuer = NonceIssuer(secret: configuration.secret, realm: realm, lifetime: configuration.nonceLifetime)
        opaque = Hex.encode(Array(HMACSHA256(key: configuration.secret).authenticate("opaque:" + realm).prefix(8)))
        var keys: [String: Keys] = [:]
        for user in directory.users { keys[user.username] = Self.keys(for: user, realm: realm) }
        self.keys = keys
        let decoy = Hex.encode(HMACSHA256(key: configuration.secret).authenticate("decoy:" + realm))
        decoyKeys = Self.keys(for: DirectoryUser(username: "decoy", secret: .password(decoy)), realm: realm)
        nonceCounts = NonceCountTracker(capacity: configuration.nonceCountCapacity, startedAt: NonceIssuer.seconds(now))
    }

    /// A 401 (``ChallengeStyle/www``) or 407 (``ChallengeStyle/proxy``) reply carrying one challenge
    /// per configured algorithm, all with one fresh nonce.
    public func challenge(_ style: ChallengeStyle, stale: Bool = false, now: Date) -> Reply {
        let nonce = issuer.issue(now: now)
        let headers = configuration.algorithms.map { algorithm in
            HeaderField(name: style.challengeHeader, value: DigestChallenge(
                realm: configuration.realm, nonce: nonce, opaque: opaque, algorithm: algorithm, stale: stale).headerValue)
        }
        return Reply(status: style.status, phrase: style.phrase, headers: headers)
    }

    /// How many nonces currently have a remembered nonce-count.
    public var trackedNonces: Int { nonceCounts.count }

    private static func keys(for user: DirectoryUser, realm: String) -> Keys {
        switch user.secret {
        case .password(let password):
            return Keys(md5: DigestAlgorithm.md5.ha1(username: user.username, realm: realm, password: password),
                        sha256: DigestAlgorithm.sha256.ha1(username: user.username, realm: realm, password: password))
        case .ha1(let md5, let sha256):
            return Keys(md5: md5?.lowercased(), sha256: sha256?.lowercased())
        }
    }
}
