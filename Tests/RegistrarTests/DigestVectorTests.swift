import XCTest
@testable import Registrar

/// The published examples of RFC 2617 §3.5 and RFC 7616 §3.9.1, computed through the same code
/// that verifies SIP requests.
final class DigestVectorTests: XCTestCase {
    func testRFC2617Section3_5() throws {
        let header = """
            Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", \
            uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", \
            response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"
            """
        let credentials = try DigestCredentials.parse(header)
        let ha1 = DigestAlgorithm.md5.ha1(username: credentials.username, realm: credentials.realm,
                                          password: "Circle Of Life")
        let response = DigestAlgorithm.md5.response(
            ha1: ha1, nonce: credentials.nonce, nonceCount: credentials.nonceCount, cnonce: credentials.cnonce,
            qop: credentials.qop, method: "GET", uri: credentials.uri)
        XCTAssertEqual(response, "6629fae49393a05397450978507c4ef1")
        XCTAssertEqual(response, credentials.response)
    }

    func testRFC7616Section3_9_1MD5AndSHA256() {
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
        let expected: [DigestAlgorithm: String] = [
            .md5: "8ca523f5e9506fed4657c9700eebdbec",
            .sha256: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        ]
        for (algorithm, value) in expected {
            let ha1 = algorithm.ha1(username: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life")
            let response = algorithm.response(ha1: ha1, nonce: nonce, nonceCount: "00000001", cnonce: cnonce,
                                              qop: "auth", method: "GET", uri: "/dir/index.html")
            XCTAssertEqual(response, value, "\(algorithm)")
        }
    }

    /// RFC 2069 compatibility form (no qop): H(HA1:nonce:HA2), checked against an independent
    /// composition of the primitive hash.
    func testResponseWithoutQopUsesShortForm() {
        let algorithm = DigestAlgorithm.md5
        let ha1 = algorithm.ha1(username: "u", realm: "r", password: "p")
        let ha2 = algorithm.hash("REGISTER:sip:parley")
        XCTAssertEqual(algorithm.response(ha1: ha1, nonce: "n", nonceCount: nil, cnonce: nil, qop: nil,
                                          method: "REGISTER", uri: "sip:parley"),
                       algorithm.hash("\(ha1):n:\(ha2)"))
    }

    func testAlgorithmTokensAreCaseInsensitive() {
        XCTAssertEqual(DigestAlgorithm(token: "md5"), .md5)
        XCTAssertEqual(DigestAlgorithm(token: "sha-256"), .sha256)
        XCTAssertNil(DigestAlgorithm(token: "MD5-sess"))
        XCTAssertNil(DigestAlgorithm(token: "SHA-512-256"))
    }
}
