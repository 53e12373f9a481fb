import XCTest
@testable import Registrar

/// Deterministic fuzzing of every reader of untrusted text: random mixes of the characters that
/// matter to the grammars, and mutations of valid headers. Nothing may trap, and whatever parses
/// must survive a write/read round trip unchanged.
final class ParserFuzzTests: XCTestCase {
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    private static let alphabet: [String] = [
        "Digest", " ", ",", "=", "\"", "\\", "<", ">", ";", ":", "@", "*", "a", "Z", "0", "9", "sip:", "sips:",
        "username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce", "auth", "expires", "q", "0.5",
        "\r\n", "\t", "é", "[", "]", "+sip.instance", "reg-id", "\u{0}", "%", "?",
    ]

    private static let seeds = [
        "Digest username=\"1001\", realm=\"parley\", nonce=\"abc\", uri=\"sip:parley\", "
            + "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001, cnonce=\"xyz\"",
        "\"Desk\" <sip:1001@192.0.2.10:5062;transport=tcp>;expires=120;q=0.5;+sip.instance=\"<urn:uuid:1>\";reg-id=1",
        "Digest realm=\"parley\", nonce=\"n\", opaque=\"o\", algorithm=SHA-256, qop=\"auth\", stale=true",
    ]

    func testReadersNeverTrapAndRoundTrip() {
        var generator = Generator(state: 0x5eed)
        var parsed = 0
        for iteration in 0..<20_000 {
            let text: String
            if iteration.isMultiple(of: 2) {
                text = (0..<generator.next(24)).map { _ in Self.alphabet[generator.next(Self.alphabet.count)] }.joined()
            } else {
                var characters = Array(Self.seeds[generator.next(Self.seeds.count)])
                for _ in 0..<(1 + generator.next(3)) where !characters.isEmpty {
                    let position = generator.next(characters.count)
                    switch generator.next(3) {
                    case 0: characters.remove(at: position)
                    case 1: characters.insert(contentsOf: Array(Self.alphabet[generator.next(Self.alphabet.count)]), at: position)
                    default:
                        characters.replaceSubrange(position...position,
                                                   with: Array(Self.alphabet[generator.next(Self.alphabet.count)]))
                    }
                }
                text = String(characters)
            }
            if let credentials = try? DigestCredentials.parse(text) {
                parsed += 1
                XCTAssertEqual(try? DigestCredentials.parse(credentials.headerValue), credentials, text)
            }
            if let challenge = try? DigestChallenge.parse(text) {
                parsed += 1
                XCTAssertEqual(try? DigestChallenge.parse(challenge.headerValue), challenge, text)
            }
            if case .contacts(let contacts)? = try? ContactList.parse([text]) {
                parsed += 1
                for contact in contacts {
                    XCTAssertEqual(try? ContactList.parse([contact.headerValue]), .contacts([contact]), text)
                }
            }
            if let uri = try? SIPURI.parse(text) { parsed += uri.comparisonKey.isEmpty ? 0 : 1 }
        }
        // The mutations of valid seeds must produce a fair share of valid values, or the round
        // trips above checked nothing.
        XCTAssertGreaterThan(parsed, 1000)
    }
}
