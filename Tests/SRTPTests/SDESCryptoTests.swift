import SDP
@testable import SRTP
import XCTest

/// `a=crypto` lines (RFC 4568 §9.1): parsing, canonical serialization, typed refusals and
/// seeded malformed input.
final class SDESCryptoTests: XCTestCase {
    /// RFC 4568 §4's example key (40 base64 characters = 30 bytes of key || salt).
    static let rfcKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"

    func testParsesTheRFCExampleWithoutItsMKI() throws {
        let line = try SDESCrypto(attributeValue: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20")
        XCTAssertEqual(line.tag, 1)
        XCTAssertEqual(line.suite, .aesCM128HMACSHA1_80)
        XCTAssertEqual(line.lifetime, 1 << 20)
        // Decoded independently (Python's base64 module).
        XCTAssertEqual(line.key.key, hex("3D2D6E40 255E7821 426A7566 7239293F"))
        XCTAssertEqual(line.key.salt, hex("2C233568 5C603D26 5D7B7169 5051"))
        XCTAssertEqual(Base64.encode(line.key.keyAndSalt), Self.rfcKey)
        XCTAssertEqual(line.attributeValue, "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20")
    }

    func testRoundTripsCanonicalLines() throws {
        let gcmKey = Base64.encode(Array(0..<28))
        XCTAssertTrue(gcmKey.hasSuffix("=="), "28 bytes need two padding characters")
        let lines = [
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)",
            "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.rfcKey)|2^31",
            "3 AEAD_AES_128_GCM inline:\(gcmKey)",
            "999999999 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|1000000 WSH=128",
        ]
        for text in lines {
            let line = try SDESCrypto(attributeValue: text)
            XCTAssertEqual(line.attributeValue, text)
            XCTAssertEqual(line.attribute.value, text)
            XCTAssertEqual(line.crypto, Crypto(attributeValue: text), "agrees with the SDP module")
            XCTAssertEqual(try SDESCrypto(line.crypto), line)
        }
    }

    func testAcceptsLenientForms() throws {
        let gcm = Array(0..<28).map(UInt8.init)
        let unpadded = String(Base64.encode(gcm).dropLast(2))
        let line = try SDESCrypto(attributeValue: "7\tAEAD_AES_128_GCM  INLINE:\(unpadded)")
        XCTAssertEqual(line.key.keyAndSalt, gcm)
        XCTAssertEqual(line.key.key, Array(gcm[..<16]))
        XCTAssertEqual(line.key.salt, Array(gcm[16...]))
        XCTAssertEqual(try SDESCrypto(attributeValue: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|1048576").lifetime, 1 << 20)
    }

    func testRefusalsAreTyped() {
        let key = Self.rfcKey
        let cases: [(String, SDESError.Kind, Int?)] = [
            ("", .malformed, nil),
            ("1 AES_CM_128_HMAC_SHA1_80", .malformed, nil),
            ("x AES_CM_128_HMAC_SHA1_80 inline:\(key)", .malformed, nil),
            ("1234567890 AES_CM_128_HMAC_SHA1_80 inline:\(key)", .malformed, nil),
            ("-1 AES_CM_128_HMAC_SHA1_80 inline:\(key)", .malformed, nil),
            ("1 F8_128_HMAC_SHA1_80 inline:\(key)", .unsupportedSuite, 1),
            ("1 aes_cm_128_hmac_sha1_80 inline:\(key)", .unsupportedSuite, 1),
            ("1 AES_256_CM_HMAC_SHA1_80 inline:\(key)", .unsupportedSuite, 1),
            ("2 AES_CM_128_HMAC_SHA1_80 uri:\(key)", .unsupportedKeyMethod, 2),
            ("2 AES_CM_128_HMAC_SHA1_80 inline:", .unsupportedKeyMethod, 2),
            ("3 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^20|1:32", .mkiNotSupported, 3),
            ("3 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1:4", .mkiNotSupported, 3),
            ("4 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^20|1:4;inline:\(key)|2^20|2:4", .multipleKeys, 4),
            ("5 AES_CM_128_HMAC_SHA1_80 inline:\(key.dropLast(4))", .badKeyLength, 5),
            ("5 AEAD_AES_128_GCM inline:\(key)", .badKeyLength, 5),
            ("6 AES_CM_128_HMAC_SHA1_80 inline:\(key.dropLast())!", .badBase64, 6),
            ("6 AES_CM_128_HMAC_SHA1_80 inline:\(key)=", .badBase64, 6),
            ("6 AES_CM_128_HMAC_SHA1_80 inline:A", .badBase64, 6),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^49", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|0", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|281474976710657", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^20|2^20", .badLifetime, 7),
            ("7 AES_CM_128_HMAC_SHA1_80 inline:\(key)|1|2|3", .malformed, 7),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) KDR=23", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) UNENCRYPTED_SRTP", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) UNENCRYPTED_SRTCP", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) UNAUTHENTICATED_SRTP", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) FEC_ORDER=FEC_SRTP", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) WSH=32", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) WSH=64 WSH=64", .unsupportedSessionParameter, 8),
            ("8 AES_CM_128_HMAC_SHA1_80 inline:\(key) WSH=+64", .unsupportedSessionParameter, 8),
        ]
        for (text, kind, tag) in cases {
            XCTAssertThrowsError(try SDESCrypto(attributeValue: text), text) { error in
                guard let error = error as? SDESError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.kind, kind, text)
                XCTAssertEqual(error.tag, tag, text)
                XCTAssertFalse(error.description.contains(key), "errors never echo keys: \(error)")
            }
        }
    }

    func testBase64MatchesRFC4648Vectors() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded[...]), Array(plain.utf8))
            XCTAssertEqual(Base64.decode(encoded.replacingOccurrences(of: "=", with: "")[...]), Array(plain.utf8))
        }
        for bad in ["Zg=", "Z", "Zm9v=", "Zm9v====", "Zm 9v", "Zm9v-_", "=Zm9"] {
            XCTAssertNil(Base64.decode(bad[...]), bad)
        }
    }

    /// Seeded random edits of valid lines: nothing traps, and whatever parses serializes to a
    /// line that parses back to the same value.
    func testMalformedLinesNeverTrap() {
        var random = SeededGenerator(seed: 0x5DE5)
        let seeds = [
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20|1:32",
            "2 AEAD_AES_128_GCM inline:\(Base64.encode(Array(repeating: 7, count: 28))) WSH=128",
            "3 AES_CM_128_HMAC_SHA1_32 inline:\(Self.rfcKey)|1048576 KDR=1",
            "4 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)",
        ]
        let alphabet = Array("0123456789 |:^;=+/-_AEGHMSWinle\t\u{0}é".unicodeScalars)
        var parsed = 0
        var kinds = Set<String>()
        for _ in 0..<20_000 {
            var scalars = Array(seeds[Int.random(in: 0..<seeds.count, using: &random)].unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...scalars.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where position < scalars.count: scalars.remove(at: position)
                case 1 where position < scalars.count: scalars[position] = alphabet.randomElement(using: &random) ?? " "
                default: scalars.insert(alphabet.randomElement(using: &random) ?? " ", at: position)
                }
            }
            let text = String(String.UnicodeScalarView(scalars))
            do {
                let line = try SDESCrypto(attributeValue: text)
                parsed += 1
                XCTAssertEqual(try SDESCrypto(attributeValue: line.attributeValue), line, text)
            } catch {
                kinds.insert("\(error.kind)")
            }
        }
        XCTAssertGreaterThan(parsed, 300, "the mutations should leave some lines valid")
        XCTAssertGreaterThanOrEqual(kinds.count, 8, "few failure kinds reached: \(kinds)")
    }
}
