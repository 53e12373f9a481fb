import XCTest
@testable import Registrar

/// Table tests for reading `Authorization` values: what real phones send, and what must be refused.
final class DigestHeaderParserTests: XCTestCase {
    private let valid = "Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", "
        + "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001, cnonce=\"xyz\""

    func testGoodHeaders() throws {
        let cases: [(String, (DigestCredentials) -> Void)] = [
            (valid, { c in
                XCTAssertEqual(c.username, "1001")
                XCTAssertEqual(c.realm, "parley")
                XCTAssertEqual(c.nonceCountValue, 1)
                XCTAssertNil(c.algorithm)
            }),
            // Scheme and parameter names are case-insensitive; extra whitespace and empty list items.
            ("dIgEsT USERNAME = \"1001\" ,, Realm=\"parley\",nonce=\"abc\",URI=\"sip:parley\",   "
                + "Response=\"0123456789ABCDEF0123456789ABCDEF\", QOP=auth, NC=0000000a, CNonce=\"x\" ,", { c in
                XCTAssertEqual(c.uri, "sip:parley")
                XCTAssertEqual(c.nonceCountValue, 10)
                XCTAssertEqual(c.response, "0123456789ABCDEF0123456789ABCDEF")
            }),
            // Escapes and commas inside quotes.
            ("Digest username=\"a\\\"b\\\\c, d\", realm=\"parley\", nonce=\"n,1\", uri=\"sip:x@parley;transport=tcp\", "
                + "response=\"0123456789abcdef0123456789abcdef\", qop=\"auth\", nc=00000002, cnonce=\"c\"", { c in
                XCTAssertEqual(c.username, "a\"b\\c, d")
                XCTAssertEqual(c.nonce, "n,1")
                XCTAssertEqual(c.qop, "auth")
            }),
            // Folded line (CRLF + SP) between parameters, SHA-256 response, unknown extension kept.
            ("Digest username=\"1001\",\r\n realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", algorithm=SHA-256, "
                + "response=\"\(String(repeating: "ab", count: 32))\", qop=auth, nc=00000001, cnonce=\"c\", userhash=false",
             { c in
                XCTAssertEqual(c.algorithm, "SHA-256")
                XCTAssertEqual(c.otherParameters, [AuthParameter(name: "userhash", value: "false", quoted: false)])
            }),
            // No qop (RFC 2069 form): cnonce/nc are not required.
            ("Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", "
                + "response=\"0123456789abcdef0123456789abcdef\"", { c in
                XCTAssertNil(c.qop)
                XCTAssertNil(c.nonceCount)
            }),
            // UTF-8 inside a quoted string.
            ("Digest username=\"jürgen\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", "
                + "response=\"0123456789abcdef0123456789abcdef\"", { c in XCTAssertEqual(c.username, "jürgen") }),
        ]
        for (header, check) in cases {
            let credentials = try DigestCredentials.parse(header)
            check(credentials)
            // Writing it back and reading again gives the same value.
            XCTAssertEqual(try DigestCredentials.parse(credentials.headerValue), credentials, header)
        }
    }

    func testMalformedHeaders() {
        let response = "response=\"0123456789abcdef0123456789abcdef\""
        let base = "username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", \(response)"
        let cases: [(String, DigestHeaderError)] = [
            ("", .empty),
            ("   ", .empty),
            ("Digest", .noParameters),
            ("Digest   ", .noParameters),
            ("Digest ,,", .noParameters),
            ("Basic dXNlcjpwYXNz", .unsupportedScheme("Basic")),
            ("Basic realm=\"x\"", .unsupportedScheme("Basic")),
            ("Digest, \(base)", .invalidCharacter(offset: 6)),
            ("Digest username", .expectedEquals(name: "username", offset: 15)),
            ("Digest username=", .missingValue(name: "username")),
            ("Digest username=\"1001", .unterminatedQuote(name: "username")),
            ("Digest username=\"1001\\", .unterminatedQuote(name: "username")),
            ("Digest =\"1001\"", .expectedParameterName(offset: 7)),
            ("Digest username=\"1001\" realm=\"parley\"", .expectedComma(offset: 23)),
            ("Digest username=10\"01", .invalidCharacter(offset: 18)),
            ("Digest username=\"a\u{1}b\"", .invalidCharacter(offset: 18)),
            ("Digest \(base), username=\"x\"", .duplicateParameter("username")),
            ("Digest \(base), USERNAME=\"x\"", .duplicateParameter("username")),
            ("Digest realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", \(response)", .missingParameter("username")),
            ("Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", \(response)", .missingParameter("uri")),
            ("Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\"", .missingParameter("response")),
            ("Digest \(base), qop=auth, cnonce=\"c\"", .missingParameter("nc")),
            ("Digest \(base), qop=auth, nc=00000001", .missingParameter("cnonce")),
            ("Digest \(base), qop=auth, nc=1, cnonce=\"c\"", .invalidNonceCount("1")),
            ("Digest \(base), qop=auth, nc=0000000g, cnonce=\"c\"", .invalidNonceCount("0000000g")),
            ("Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", response=\"xyz\"",
             .invalidResponse("xyz")),
            ("Digest " + String(repeating: "a", count: 9000), .tooLong(bytes: 9007)),
            ("Digest " + (0..<70).map { "p\($0)=1" }.joined(separator: ", "), .tooManyParameters(65)),
        ]
        for (header, expected) in cases {
            assertThrows(expected) { _ = try DigestCredentials.parse(header) }
        }
    }

    func testChallengeRoundTrip() throws {
        let challenge = DigestChallenge(realm: "parley", nonce: "n\"1", opaque: "o", algorithm: .sha256, stale: true)
        XCTAssertEqual(challenge.headerValue,
                       "Digest realm=\"parley\", nonce=\"n\\\"1\", opaque=\"o\", algorithm=SHA-256, qop=\"auth\", stale=true")
        XCTAssertEqual(try DigestChallenge.parse(challenge.headerValue), challenge)
        let plain = try DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"")
        XCTAssertEqual(plain.algorithm, .md5)
        XCTAssertEqual(plain.qop, [])
        XCTAssertFalse(plain.stale)
        assertThrows(DigestHeaderError.missingParameter("nonce")) { _ = try DigestChallenge.parse("Digest realm=\"r\"") }
    }
}
