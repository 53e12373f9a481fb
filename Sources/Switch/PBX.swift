import Foundation
import Logging
import Registrar

/// The PBX edge the switch consults on the SIP thread: who the users are, digest challenges and
/// checks, the per-source failure limiter, and where each user is registered.
final class PBX {
    let directory: UserDirectory
    let realm: String
    var authenticator: DigestAuthenticator
    var limiter: AuthFailureLimiter
    let location: LocationService
    let registrar: Registrar
    private let logger: Logger

    /// Sources exempt from blocking (trusted networks).
    private let isTrusted: @Sendable (String) -> Bool

    init(directory: UserDirectory, realm: String, algorithms: [DigestAlgorithm], databasePath: String,
         limiter: AuthFailureLimiter.Configuration, isTrusted: @escaping @Sendable (String) -> Bool, logger: Logger) throws {
        self.directory = directory
        self.isTrusted = isTrusted
        self.realm = realm
        self.logger = logger
        var secret = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255, using: &rng) }
        authenticator = try DigestAuthenticator(configuration: .init(realm: realm, secret: secret, algorithms: algorithms),
                                                directory: directory, now: Date())
        self.limiter = AuthFailureLimiter(configuration: limiter)
        let store = try RegistrationStore(path: databasePath, logger: logger)
        location = try LocationService(store: store, now: Date(), logger: logger)
        registrar = Registrar(location: location, logger: logger)
    }

    /// The outcome of a digest check: the user, or the reply to send (challenge, 403).
    enum AuthResult {
        case success(DirectoryUser)
        case failure(Reply)
    }

    /// Digest check of a request; feeds the limiter.
    func authenticate(method: String, requestURI: String, credentials: [String], proxy: Bool, expectedUser: String?,
                      source: SourceAddress) -> AuthResult {
        let now = Date()
        let gate = limiter.check(source, now: now)
        if let reply = gate.reply, !isTrusted(source.host) {
            logger.warning("request from a blocked source", metadata: ["source": "\(source)", "reason": "\(gate.reason)"])
            return .failure(reply)
        }
        let request = DigestRequest(method: method, requestURI: requestURI, credentials: credentials,
                                    style: proxy ? .proxy : .www, expectedUsername: expectedUser)
        let outcome = authenticator.authenticate(request, now: now)
        switch outcome {
        case .authenticated(let user, _):
            limiter.recordSuccess(from: source)
            return .success(user)
        case .challenge(let reply, _), .rejected(let reply, _):
            if outcome.isFailure, !isTrusted(source.host) {
                let decision = limiter.recordFailure(from: source, now: now)
                logger.warning("authentication failed", metadata: [
                    "source": "\(source)", "method": "\(method)", "reason": "\(outcome.logReason)", "limiter": "\(decision.reason)",
                ])
                if let blocked = decision.reply { return .failure(blocked) }
            }
            return .failure(reply)
        }
    }

    func shutdown() {
        try? location.flush()
    }
}

extension Reply {
    /// Header lines for ``SIP/SIPStack/respond(_:status:contentType:body:headers:toCurrentRequest:)``.
    var headerLines: [String] { headers.map { "\($0.name): \($0.value)" } }
}
