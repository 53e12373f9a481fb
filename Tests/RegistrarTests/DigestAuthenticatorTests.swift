import XCTest
@testable import Registrar

final class DigestAuthenticatorTests: XCTestCase {
    private let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    private let uri = "sip:parley.example"
    private let alice = DigestClient(username: "1001", password: "s3cret")

    private func directory() throws -> UserDirectory {
        try UserDirectory([
            DirectoryUser(username: "1001", secret: .password("s3cret"), callerIDName: "Alice"),
            DirectoryUser(username: "1002", secret: .ha1(
                md5: DigestAlgorithm.md5.ha1(username: "1002", realm: "parley", password: "hunter2").uppercased(),
                sha256: DigestAlgorithm.sha256.ha1(username: "1002", realm: "parley", password: "hunter2"))),
            DirectoryUser(username: "1003", secret: .ha1(
                md5: DigestAlgorithm.md5.ha1(username: "1003", realm: "parley", password: "pw"), sha256: nil)),
        ])
    }

    private func authenticator(failureReply: DigestAuthenticator.FailureReply = .forbidden,
                               algorithms: [DigestAlgorithm] = [.md5, .sha256], capacity: Int = 1000,
                               now: Date = epoch) throws -> DigestAuthenticator {
        try DigestAuthenticator(
            configuration: .init(realm: "parley", secret: secret, nonceLifetime: 300, algorithms: algorithms,
                                 failureReply: failureReply, nonceCountCapacity: capacity),
            directory: directory(), now: now)
    }

    private func request(_ credentials: [String], method: String = "REGISTER", style: ChallengeStyle = .www,
                         expected: String? = nil) -> DigestRequest {
        DigestRequest(method: method, requestURI: uri, credentials: credentials, style: style, expectedUsername: expected)
    }

    /// Runs the first round (no credentials) and returns the challenge for `algorithm`.
    private func firstChallenge(_ auth: inout DigestAuthenticator, style: ChallengeStyle = .www,
                                algorithm: DigestAlgorithm = .md5, now: Date = epoch) throws -> DigestChallenge {
        let outcome = auth.authenticate(request([], style: style), now: now)
        guard case .challenge(let reply, .noCredentials) = outcome else { throw TestFailure(message: "\(outcome)") }
        return try alice.challenge(in: reply, style: style, algorithm: algorithm)
    }

    func testChallengeOffersMD5ThenSHA256WithOneNonce() throws {
        let auth = try authenticator()
        let reply = auth.challenge(.www, now: epoch)
        XCTAssertEqual(reply.status, 401)
        XCTAssertEqual(reply.phrase, "Unauthorized")
        let challenges = try reply.values(of: "WWW-Authenticate").map(DigestChallenge.parse)
        XCTAssertEqual(challenges.map(\.algorithm), [.md5, .sha256])
        XCTAssertEqual(Set(challenges.map(\.nonce)).count, 1)
        for challenge in challenges {
            XCTAssertEqual(challenge.realm, "parley")
            XCTAssertEqual(challenge.qop, ["auth"])
            XCTAssertNotNil(challenge.opaque)
            XCTAssertFalse(challenge.stale)
        }
        let proxy = auth.challenge(.proxy, now: epoch)
        XCTAssertEqual(proxy.status, 407)
        XCTAssertEqual(proxy.values(of: "Proxy-Authenticate").count, 2)
        XCTAssertTrue(proxy.values(of: "WWW-Authenticate").isEmpty)
        XCTAssertNotEqual(try DigestChallenge.parse(proxy.headers[0].value).nonce, challenges[0].nonce)
    }

    func testPasswordUserAuthenticatesWithEitherAlgorithm() throws {
        for algorithm in DigestAlgorithm.allCases {
            var auth = try authenticator()
            let challenge = try firstChallenge(&auth, algorithm: algorithm)
            let outcome = auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri)],
                                                    expected: "1001"), now: epoch + 1)
            guard case .authenticated(let user, let used) = outcome else { return XCTFail("\(algorithm): \(outcome)") }
            XCTAssertEqual(user.username, "1001")
            XCTAssertEqual(user.callerIDName, "Alice")
            XCTAssertEqual(used, algorithm)
            XCTAssertNil(outcome.reply)
            XCTAssertFalse(outcome.isFailure)
        }
    }

    func testPrecomputedHA1UserAndProxyStyleInvite() throws {
        var auth = try authenticator()
        let bob = DigestClient(username: "1002", password: "hunter2")
        for algorithm in DigestAlgorithm.allCases {
            let challenge = try firstChallenge(&auth, style: .proxy, algorithm: algorithm)
            let header = bob.header(for: challenge, method: "INVITE", uri: uri)
            let outcome = auth.authenticate(request([header], method: "INVITE", style: .proxy), now: epoch)
            guard case .authenticated(let user, algorithm) = outcome else { return XCTFail("\(outcome)") }
            XCTAssertEqual(user.username, "1002")
            // The method is part of the digest: the same credentials do not authenticate a REGISTER.
            let other = auth.authenticate(request([bob.header(for: challenge, method: "INVITE", uri: uri, nc: 2)],
                                                  method: "REGISTER", style: .proxy), now: epoch)
            XCTAssertEqual(other, .rejected(.forbidden(), .wrongPassword("1002")))
        }
    }

    func testExpiredNonceWithRightPasswordIsStaleThenRetrySucceeds() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let later = epoch + 301
        let outcome = auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri)]), now: later)
        guard case .challenge(let reply, .staleNonce) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(outcome.isFailure)
        XCTAssertEqual(reply.status, 401)
        let fresh = try reply.values(of: "WWW-Authenticate").map(DigestChallenge.parse)
        XCTAssertEqual(fresh.map(\.stale), [true, true])
        XCTAssertNotEqual(fresh[0].nonce, challenge.nonce)
        let retry = auth.authenticate(request([alice.header(for: fresh[0], method: "REGISTER", uri: uri)]), now: later)
        guard case .authenticated = retry else { return XCTFail("\(retry)") }
        // Within the lifetime the nonce is still fresh.
        let second = try firstChallenge(&auth, now: later)
        let inTime = auth.authenticate(request([alice.header(for: second, method: "REGISTER", uri: uri)]), now: later + 299)
        guard case .authenticated = inTime else { return XCTFail("\(inTime)") }
    }

    func testExpiredNonceWithWrongPasswordIsRejectedNotStale() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let mallory = DigestClient(username: "1001", password: "guess")
        let outcome = auth.authenticate(request([mallory.header(for: challenge, method: "REGISTER", uri: uri)]),
                                        now: epoch + 1000)
        XCTAssertEqual(outcome, .rejected(.forbidden(), .wrongPassword("1001")))
        XCTAssertTrue(outcome.isFailure)
    }

    func testNonceCountMustIncrease() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        func attempt(_ nc: UInt32) -> AuthOutcome {
            auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri, nc: nc)]), now: epoch)
        }
        guard case .authenticated = attempt(1) else { return XCTFail("nc 1") }
        XCTAssertEqual(attempt(1), .rejected(.forbidden(), .nonceCountReplay(username: "1001", count: 1, last: 1)))
        guard case .authenticated = attempt(2) else { return XCTFail("nc 2") }
        guard case .authenticated = attempt(7) else { return XCTFail("nc 7") }
        XCTAssertEqual(attempt(5), .rejected(.forbidden(), .nonceCountReplay(username: "1001", count: 5, last: 7)))
        XCTAssertEqual(auth.trackedNonces, 1)
    }

    func testWrongPasswordDoesNotAdvanceNonceCount() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let mallory = DigestClient(username: "1001", password: "guess")
        let forged = auth.authenticate(request([mallory.header(for: challenge, method: "REGISTER", uri: uri, nc: 9)]), now: epoch)
        XCTAssertEqual(forged, .rejected(.forbidden(), .wrongPassword("1001")))
        let real = auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri, nc: 1)]), now: epoch)
        guard case .authenticated = real else { return XCTFail("\(real)") }
    }

    func testUnknownUserLooksLikeWrongPassword() throws {
        for mode in [DigestAuthenticator.FailureReply.forbidden, .challenge] {
            var auth = try authenticator(failureReply: mode)
            let challenge = try firstChallenge(&auth)
            let wrong = DigestClient(username: "1001", password: "guess").header(for: challenge, method: "REGISTER", uri: uri)
            let unknown = DigestClient(username: "9999", password: "guess").header(for: challenge, method: "REGISTER", uri: uri, nc: 2)
            let known = auth.authenticate(request([wrong]), now: epoch)
            let stranger = auth.authenticate(request([unknown]), now: epoch)
            guard case .rejected(let knownReply, .wrongPassword("1001")) = known,
                  case .rejected(let strangerReply, .unknownUser("9999")) = stranger
            else { return XCTFail("\(known) / \(stranger)") }
            XCTAssertTrue(known.isFailure && stranger.isFailure)
            XCTAssertEqual(shape(of: knownReply), shape(of: strangerReply), "\(mode)")
            XCTAssertEqual(knownReply.status, mode == .forbidden ? 403 : 401)
            // An HA1 user asked for an algorithm it has no HA1 for answers the same way.
            let sha = try alice.challenge(in: auth.challenge(.www, now: epoch), algorithm: .sha256)
            let missing = auth.authenticate(request([DigestClient(username: "1003", password: "pw")
                .header(for: sha, method: "REGISTER", uri: uri)]), now: epoch)
            guard case .rejected(let missingReply, .noSecretForAlgorithm("1003", .sha256)) = missing else {
                return XCTFail("\(missing)")
            }
            XCTAssertEqual(shape(of: missingReply), shape(of: knownReply))
        }
    }

    /// A reply with every nonce blanked (nonces are random by design).
    private func shape(of reply: Reply) -> Reply {
        var copy = reply
        copy.headers = reply.headers.map { field in
            guard var challenge = try? DigestChallenge.parse(field.value) else { return field }
            challenge.nonce = "-"
            return HeaderField(name: field.name, value: challenge.headerValue)
        }
        return copy
    }

    func testUsernameMustMatchExpectedUser() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let outcome = auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri)],
                                                expected: "1002"), now: epoch)
        XCTAssertEqual(outcome, .rejected(.forbidden(), .usernameMismatch(credentials: "1001", expected: "1002")))
    }

    func testURIMustMatchRequestURI() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let elsewhere = alice.header(for: challenge, method: "REGISTER", uri: "sip:other.example")
        XCTAssertEqual(auth.authenticate(request([elsewhere]), now: epoch),
                       .rejected(.badRequest(), .uriMismatch(credentials: "sip:other.example", request: uri)))
        // The same URI written with a different scheme/host case is the same URI.
        let recased = alice.header(for: challenge, method: "REGISTER", uri: "SIP:Parley.Example", nc: 2)
        guard case .authenticated = auth.authenticate(request([recased]), now: epoch) else { return XCTFail("recased") }
    }

    func testOtherRealmUnknownNonceAndMalformedHeaders() throws {
        var auth = try authenticator()
        let challenge = try firstChallenge(&auth)
        let foreign = alice.credentials(for: challenge, method: "REGISTER", uri: uri, realm: "elsewhere").headerValue
        guard case .challenge(let reply, .otherRealm("elsewhere")) = auth.authenticate(request([foreign]), now: epoch)
        else { return XCTFail("other realm") }
        XCTAssertEqual(reply.status, 401)
        // Several headers: the one for our realm is used.
        let ours = alice.header(for: challenge, method: "REGISTER", uri: uri)
        guard case .authenticated = auth.authenticate(request([foreign, ours]), now: epoch) else { return XCTFail("pick") }

        var tampered = alice.credentials(for: challenge, method: "REGISTER", uri: uri, nc: 2)
        tampered.nonce = String(tampered.nonce.dropLast()) + (tampered.nonce.hasSuffix("0") ? "1" : "0")
        guard case .challenge(_, .unknownNonce) = auth.authenticate(request([tampered.headerValue]), now: epoch)
        else { return XCTFail("tampered nonce") }
        let otherServer = try DigestAuthenticator(
            configuration: .init(realm: "parley", secret: Array(repeating: 7, count: 32)), directory: directory(), now: epoch)
        var theirs = try alice.challenge(in: otherServer.challenge(.www, now: epoch))
        XCTAssertEqual(reason(auth.authenticate(request([alice.header(for: theirs, method: "REGISTER", uri: uri)]),
                                                now: epoch)), .opaqueMismatch)
        theirs.opaque = challenge.opaque
        XCTAssertEqual(reason(auth.authenticate(request([alice.header(for: theirs, method: "REGISTER", uri: uri)]),
                                                now: epoch)), .unknownNonce)

        let malformed = auth.authenticate(request(["Digest username=\"1001"]), now: epoch)
        XCTAssertEqual(malformed, .rejected(.badRequest(), .malformed(.unterminatedQuote(name: "username"))))
        XCTAssertTrue(malformed.isFailure)
    }

    func testUnsupportedAlgorithmQopAndOpaqueAreChallenged() throws {
        var auth = try authenticator(algorithms: [.md5])
        let challenge = try firstChallenge(&auth)
        var sess = alice.credentials(for: challenge, method: "REGISTER", uri: uri)
        sess.algorithm = "MD5-sess"
        XCTAssertEqual(reason(auth.authenticate(request([sess.headerValue]), now: epoch)), .unsupportedAlgorithm("MD5-sess"))
        var sha = alice.credentials(for: challenge, method: "REGISTER", uri: uri)
        sha.algorithm = "SHA-256"
        XCTAssertEqual(reason(auth.authenticate(request([sha.headerValue]), now: epoch)), .unsupportedAlgorithm("SHA-256"))
        var legacy = alice.credentials(for: challenge, method: "REGISTER", uri: uri)
        legacy.qop = nil
        XCTAssertEqual(reason(auth.authenticate(request([legacy.headerValue]), now: epoch)), .unsupportedQop(nil))
        var opaque = alice.credentials(for: challenge, method: "REGISTER", uri: uri)
        opaque.opaque = "nope"
        XCTAssertEqual(reason(auth.authenticate(request([opaque.headerValue]), now: epoch)), .opaqueMismatch)
    }

    private func reason(_ outcome: AuthOutcome) -> ChallengeReason? {
        if case .challenge(_, let reason) = outcome { return reason }
        return nil
    }

    func testNoncesFromBeforeARestartAreStale() throws {
        var before = try authenticator(now: epoch)
        let challenge = try firstChallenge(&before)
        var after = try authenticator(now: epoch + 10)
        let outcome = after.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri)]), now: epoch + 10)
        XCTAssertEqual(reason(outcome), .forgottenNonce)
        XCTAssertEqual(try outcome.reply.map { try DigestChallenge.parse($0.headers[0].value).stale }, true)
    }

    func testEvictedNonceCannotBeReplayed() throws {
        var auth = try authenticator(capacity: 2)
        var challenges: [DigestChallenge] = []
        for second in 1...3 {
            let challenge = try firstChallenge(&auth, now: epoch + Double(second))
            challenges.append(challenge)
            let outcome = auth.authenticate(request([alice.header(for: challenge, method: "REGISTER", uri: uri)]),
                                            now: epoch + Double(second))
            guard case .authenticated = outcome else { return XCTFail("\(second): \(outcome)") }
        }
        XCTAssertEqual(auth.trackedNonces, 2)
        // The first nonce was forgotten: its next use must get a fresh nonce, not be trusted blindly.
        let replay = auth.authenticate(request([alice.header(for: challenges[0], method: "REGISTER", uri: uri, nc: 2)]),
                                       now: epoch + 4)
        XCTAssertEqual(reason(replay), .forgottenNonce)
        // Remembered nonces keep working.
        let kept = auth.authenticate(request([alice.header(for: challenges[2], method: "REGISTER", uri: uri, nc: 2)]),
                                     now: epoch + 4)
        guard case .authenticated = kept else { return XCTFail("\(kept)") }
    }

    func testConfigurationIsValidated() throws {
        let users = try directory()
        assertThrows(DigestAuthenticator.ConfigurationError.secretTooShort(bytes: 4)) {
            _ = try DigestAuthenticator(configuration: .init(realm: "parley", secret: [1, 2, 3, 4]), directory: users, now: epoch)
        }
        assertThrows(DigestAuthenticator.ConfigurationError.noAlgorithms) {
            _ = try DigestAuthenticator(configuration: .init(realm: "parley", secret: secret, algorithms: []),
                                        directory: users, now: epoch)
        }
        assertThrows(DigestAuthenticator.ConfigurationError.invalidRealm("a\"b")) {
            _ = try DigestAuthenticator(configuration: .init(realm: "a\"b", secret: secret), directory: users, now: epoch)
        }
    }
}

