import Foundation
import Logging
import XCTest
@testable import Registrar

/// A fixed starting instant; tests move time by adding seconds, never by reading the clock.
let epoch = Date(timeIntervalSince1970: 1_700_000_000)

let quietLogger: Logger = {
    var logger = Logger(label: "registrar-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    return logger
}()

/// A temporary directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("registrar-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// What a SIP phone does with a challenge: pick the challenge for `algorithm`, compute the
/// response for `password`, and write the credentials header value.
struct DigestClient {
    var username: String
    var password: String
    var cnonce = "0a4f113b"

    func challenge(in reply: Reply, style: ChallengeStyle = .www, algorithm: DigestAlgorithm = .md5) throws -> DigestChallenge {
        for value in reply.values(of: style.challengeHeader) {
            let challenge = try DigestChallenge.parse(value)
            if challenge.algorithm == algorithm { return challenge }
        }
        throw TestFailure(message: "no \(algorithm) challenge in \(reply)")
    }

    func credentials(for challenge: DigestChallenge, method: String, uri: String, nc: UInt32 = 1,
                     username: String? = nil, realm: String? = nil) -> DigestCredentials {
        let algorithm = challenge.algorithm
        let user = username ?? self.username
        let ha1 = algorithm.ha1(username: user, realm: challenge.realm, password: password)
        let count = String(format: "%08x", nc)
        let response = algorithm.response(ha1: ha1, nonce: challenge.nonce, nonceCount: count, cnonce: cnonce,
                                          qop: "auth", method: method, uri: uri)
        return DigestCredentials(username: user, realm: realm ?? challenge.realm, nonce: challenge.nonce, uri: uri,
                                 response: response, algorithm: algorithm.rawValue, cnonce: cnonce,
                                 nonceCount: count, qop: "auth", opaque: challenge.opaque)
    }

    func header(for challenge: DigestChallenge, method: String, uri: String, nc: UInt32 = 1) -> String {
        credentials(for: challenge, method: method, uri: uri, nc: nc).headerValue
    }
}

struct TestFailure: Error {
    var message: String
}

/// A registrar over a real SQLite file in a temporary directory.
struct RegistrarFixture {
    let path: String
    let store: RegistrationStore
    let location: LocationService
    let registrar: Registrar

    init(_ test: XCTestCase, policy: RegistrarPolicy = RegistrarPolicy(), path: String? = nil, now: Date = epoch) throws {
        let file = try path ?? temporaryDirectory(test).appendingPathComponent("registrar.sqlite").path
        self.path = file
        store = try RegistrationStore(path: file, logger: quietLogger)
        location = try LocationService(store: store, now: now, logger: quietLogger)
        registrar = Registrar(policy: policy, location: location, logger: quietLogger)
    }

    /// Opens the same database again, as a restarted process would.
    func reopened(_ test: XCTestCase, now: Date) throws -> RegistrarFixture {
        try store.close()
        return try RegistrarFixture(test, policy: registrar.policy, path: path, now: now)
    }
}

func register(_ aor: String = "1001@parley", contacts: [String], expires: String? = nil, callID: String = "call-1",
              cseq: UInt32, source: SourceAddress = SourceAddress(host: "192.0.2.10", port: 40000),
              transport: String = "UDP", maxContacts: Int? = nil) -> RegisterRequest {
    RegisterRequest(aor: aor, contacts: contacts, expires: expires, callID: callID, cseq: cseq, source: source,
                    transport: transport, userAgent: "TestPhone/1.0", maxContacts: maxContacts)
}

extension XCTestCase {
    /// Asserts `body` throws exactly `expected`.
    func assertThrows<E: Error & Equatable>(_ expected: E, file: StaticString = #filePath, line: UInt = #line,
                                            _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected \(expected), nothing thrown", file: file, line: line)
        } catch let error as E {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }
}
