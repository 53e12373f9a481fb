@testable import SRTP
import XCTest

/// Published reference packets. libsrtp2 derives the session keys (RFC 3711 §4.3), so these
/// check the derivation end to end: a protect of a known packet must give the known bytes.
///
/// - AES-CM vectors: the master key and salt of RFC 3711 Appendix B.3, with the reference
///   packets of libsrtp's `test/srtp_driver.c` (`srtp_validate`). The derived session keys are
///   B.3's: cipher key C61E7A93744F39EE10734AFE3FF7A087, salt 30CBBC08863D8C85D49DB34A9AE1,
///   auth key CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4 (these and the protected packet were
///   also recomputed independently, with Python's `cryptography`, when this test was written).
/// - GCM vectors: libsrtp's `srtp_validate_gcm` (AEAD_AES_128_GCM, RFC 7714).
final class SRTPVectorTests: XCTestCase {
    /// RFC 3711 B.3 master key || master salt.
    static let rfc3711Key = hex("""
        E1F97A0D3E018BE0D64FA32C06DE4139   # master key
        0EC675AD498AFEEBB6960B3AABE6       # master salt
        """)

    static let rtpPlaintext = hex("""
        80 0F 1234 DECAFBAD CAFEBABE       # V=2, PT 15, seq 0x1234, ts, SSRC
        ABABABAB ABABABAB ABABABAB ABABABAB # payload
        """)

    static let rtcpPlaintext = hex("""
        81 C8 000B CAFEBABE                # V=2, RC 1, PT 200 (SR), length 11, SSRC
        ABABABAB ABABABAB ABABABAB ABABABAB # rest of the report
        """)

    func testAESCM128HMACSHA1_80ReferencePacket() throws {
        let key = try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, keyAndSalt: Self.rfc3711Key)
        let expected = hex("""
            800F1234 DECAFBAD CAFEBABE         # header, in the clear
            4E55DC4C E79978D8 8CA4D215 949D2402 # encrypted payload
            B78D6ACC 99EA179B 8DBB             # 80-bit HMAC-SHA1 tag
            """)
        try checkVector(key: key, plaintext: Self.rtpPlaintext, protected: expected, rtcp: false)
    }

    func testAESCM128HMACSHA1_32ReferencePacket() throws {
        // Same keystream; the tag is the first 32 bits of the same HMAC.
        let key = try SRTPMasterKey(suite: .aesCM128HMACSHA1_32, keyAndSalt: Self.rfc3711Key)
        let expected = hex("""
            800F1234 DECAFBAD CAFEBABE
            4E55DC4C E79978D8 8CA4D215 949D2402
            B78D6ACC                           # 32-bit tag
            """)
        try checkVector(key: key, plaintext: Self.rtpPlaintext, protected: expected, rtcp: false)
    }

    func testSRTCPReferencePacket() throws {
        let expected = hex("""
            81C8000B CAFEBABE                  # header and SSRC, in the clear
            7128035B E487B9BD BEF89041 F977A5A8 # encrypted report
            80000001                           # E=1, SRTCP index 1
            993E08CD 54D6C1230798              # 80-bit tag
            """)
        for suite in [SRTPSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32] {
            let key = try SRTPMasterKey(suite: suite, keyAndSalt: Self.rfc3711Key)
            try checkVector(key: key, plaintext: Self.rtcpPlaintext, protected: expected, rtcp: true)
        }
    }

    func testAEADAES128GCMReferencePackets() throws {
        try XCTSkipUnless(SRTPSuite.aeadAES128GCM.isSupported, "libsrtp2 built without GCM")
        let key = try SRTPMasterKey(
            suite: .aeadAES128GCM,
            key: hex("000102030405060708090A0B0C0D0E0F"),
            salt: hex("A0A1A2A3A4A5A6A7A8A9AAAB")
        )
        let rtp = hex("""
            800F1234 DECAFBAD CAFEBABE         # header (authenticated, not encrypted)
            C5002EDE 04CFDD2E B91159E0 880AA06E # encrypted payload
            D2976826 F796B201 DF3131A1 27E8A392 # 128-bit GCM tag
            """)
        try checkVector(key: key, plaintext: Self.rtpPlaintext, protected: rtp, rtcp: false)
        let rtcp = hex("""
            81C8000B CAFEBABE
            C98B8B5D F0392A55 852B6C21 AC8E7025 # encrypted report
            C52C6FBE A2B3B446 EA31123B A88CE61E # 128-bit GCM tag
            80000001                           # E=1, SRTCP index 1 (after the tag, RFC 7714 §9.3)
            """)
        try checkVector(key: key, plaintext: Self.rtcpPlaintext, protected: rtcp, rtcp: true)
    }

    /// Protect must give exactly `protected`; a fresh receiver must turn it back into `plaintext`.
    private func checkVector(key: SRTPMasterKey, plaintext: [UInt8], protected: [UInt8], rtcp: Bool, line: UInt = #line) throws {
        XCTAssertFalse(plaintext.isEmpty || protected.isEmpty, "bad fixture", line: line)
        let (sender, receiver) = try contextPair(key)
        var packet = plaintext
        if rtcp { try sender.protectRTCP(&packet) } else { try sender.protectRTP(&packet) }
        XCTAssertEqual(packet, protected, "\(key.suite) protect", line: line)
        XCTAssertEqual(packet.count - plaintext.count, rtcp ? key.suite.rtcpOverhead : key.suite.rtpOverhead, line: line)

        var received = protected
        if rtcp { try receiver.unprotectRTCP(&received) } else { try receiver.unprotectRTP(&received) }
        XCTAssertEqual(received, plaintext, "\(key.suite) unprotect", line: line)
    }
}
