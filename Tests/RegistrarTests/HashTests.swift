import XCTest
@testable import Registrar

/// MD5 (RFC 1321 §A.5 suite), SHA-256 (FIPS 180-2 examples) and HMAC-SHA-256 (RFC 4231).
final class HashTests: XCTestCase {
    func testMD5RFC1321Suite() {
        let cases: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(Hex.encode(MD5.hash(input)), expected, "MD5(\"\(input)\")")
        }
    }

    func testSHA256FIPSExamples() {
        XCTAssertEqual(Hex.encode(SHA256.hash("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.hash("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var million = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        XCTAssertEqual(Hex.encode(million.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundary (55 bytes fits the length in one block, 56 does not),
    /// checked against Python's hashlib as an independent implementation.
    func testPaddingBoundaries() {
        let cases: [(Int, String, String)] = [
            (55, "ef1772b6dff9a122358552954ad0df65", "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "3b0c8ac703f828b04c6c197006d17218", "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "b06521f39153d618550606be297466d5", "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "014842d480b571495a4a0363793f7367", "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (119, "8a7bd0732ed6a28ce75f6dabc90e1613", "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        ]
        for (length, md5, sha256) in cases {
            let input = String(repeating: "a", count: length)
            XCTAssertEqual(Hex.encode(MD5.hash(input)), md5, "MD5 of \(length) bytes")
            XCTAssertEqual(Hex.encode(SHA256.hash(input)), sha256, "SHA-256 of \(length) bytes")
        }
    }

    /// Every split point of inputs around the block and padding boundaries gives the one-shot hash.
    func testIncrementalUpdatesMatchOneShot() {
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let md5 = MD5.hash(input), sha = SHA256.hash(input)
            for split in 0...length {
                var m = MD5(), s = SHA256()
                m.update(Array(input[..<split]))
                m.update(Array(input[split...]))
                s.update(Array(input[..<split]))
                s.update(Array(input[split...]))
                XCTAssertEqual(m.finalize(), md5, "MD5 length \(length) split \(split)")
                XCTAssertEqual(s.finalize(), sha, "SHA-256 length \(length) split \(split)")
            }
        }
    }

    func testHMACSHA256RFC4231() {
        let cases: [([UInt8], String, String)] = [
            ([UInt8](repeating: 0x0b, count: 20), "Hi There",
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), "what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for (key, message, expected) in cases {
            XCTAssertEqual(Hex.encode(HMACSHA256(key: key).authenticate(message)), expected)
        }
    }

    func testHexRoundTripAndRejects() {
        let bytes: [UInt8] = [0x00, 0x7f, 0x80, 0xff, 0x12]
        XCTAssertEqual(Hex.decode(Hex.encode(bytes)), bytes)
        XCTAssertEqual(Hex.decode("ABcd"), [0xab, 0xcd])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertTrue(Hex.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(Hex.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(Hex.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
