import RTP
@testable import SRTP
import XCTest

/// Round trips, tamper and replay detection, and the buffer contract, for every suite the
/// installed libsrtp2 runs.
final class SRTPContextTests: XCTestCase {
    private var suites: [SRTPSuite] { SRTPSuite.supported }

    func testSupportedSuitesIncludeTheMandatoryOnes() {
        XCTAssertTrue(SRTPSuite.supported.contains(.aesCM128HMACSHA1_80))
        XCTAssertTrue(SRTPSuite.supported.contains(.aesCM128HMACSHA1_32))
        XCTAssertEqual(SRTPSuite.supported, SRTPSuite.supported.sorted(by: >), "strongest first")
        XCTAssertTrue(SRTPLibrary.version.contains("2."), SRTPLibrary.version)
    }

    func testRTPRoundTripAcrossSequenceWrapForEverySuite() throws {
        for suite in suites {
            let (sender, receiver) = try contextPair(testKey(suite))
            // 65530 ... 65535, 0 ... 9: the receiver must follow the rollover counter.
            for step in 0..<16 {
                let sequence = UInt16(truncatingIfNeeded: 65530 + step)
                let original = voicePacket(sequence)
                var packet = original
                try sender.protectRTP(&packet)
                XCTAssertEqual(packet.count, original.count + suite.rtpTagLength, "\(suite)")
                XCTAssertEqual(Array(packet[..<12]), Array(original[..<12]), "\(suite): header stays clear")
                XCTAssertNotEqual(Array(packet[12..<172]), Array(original[12...]), "\(suite): payload encrypted")
                try receiver.unprotectRTP(&packet)
                XCTAssertEqual(packet, original, "\(suite) seq \(sequence)")
                XCTAssertEqual(try RTPPacket(parsing: packet).sequenceNumber, sequence)
            }
        }
    }

    func testRTCPRoundTripForEverySuite() throws {
        for suite in suites {
            let (sender, receiver) = try contextPair(testKey(suite, seed: 7))
            for _ in 0..<3 {
                let original = receiverReport()
                var packet = original
                try sender.protectRTCP(&packet)
                XCTAssertEqual(packet.count, original.count + suite.rtcpOverhead, "\(suite)")
                XCTAssertNotEqual(packet, original + Array(repeating: 0, count: suite.rtcpOverhead))
                try receiver.unprotectRTCP(&packet)
                XCTAssertEqual(packet, original, "\(suite)")
            }
        }
    }

    func testEveryFlippedBitFailsAuthentication() throws {
        for suite in suites {
            let (sender, receiver) = try contextPair(testKey(suite))
            var protected = voicePacket(100, payloadSize: 20)
            try sender.protectRTP(&protected)
            // Flip one bit in every byte position in turn (header, payload and tag).
            for index in protected.indices {
                var tampered = protected
                tampered[index] ^= UInt8(1 << (index % 8))
                do {
                    try receiver.unprotectRTP(&tampered)
                    XCTFail("\(suite): flipping byte \(index) went unnoticed")
                } catch {
                    // A flipped version bit or CSRC count is caught before the tag is checked.
                    let expected: Set<SRTPError.Kind> = index == 0 ? [.authenticationFailed, .malformedPacket] : [.authenticationFailed]
                    XCTAssertTrue(expected.contains(error.kind), "\(suite) byte \(index): \(error)")
                }
            }
            // The untouched packet still passes afterwards: failures did not advance the window.
            try receiver.unprotectRTP(&protected)
        }
    }

    func testTamperedRTCPFailsAuthentication() throws {
        for suite in suites {
            let (sender, receiver) = try contextPair(testKey(suite))
            var packet = receiverReport()
            try sender.protectRTCP(&packet)
            packet[12] ^= 0x80
            let before = packet
            assertSRTPError(.authenticationFailed) { try receiver.unprotectRTCP(&packet) }
            XCTAssertEqual(packet, before, "a failed unprotect leaves the array untouched")
        }
    }

    func testWrongKeyFailsAuthentication() throws {
        let sender = try SRTPContext(.sender, key: testKey(.aesCM128HMACSHA1_80, seed: 1))
        let receiver = try SRTPContext(.receiver, key: testKey(.aesCM128HMACSHA1_80, seed: 2))
        var packet = voicePacket(1)
        try sender.protectRTP(&packet)
        assertSRTPError(.authenticationFailed) { try receiver.unprotectRTP(&packet) }
    }

    func testReplayIsRejectedAndOldPacketsFallOutOfTheWindow() throws {
        for suite in suites {
            let (sender, receiver) = try contextPair(testKey(suite), window: 64)
            var protected: [[UInt8]] = []
            for sequence in UInt16(1000)..<1100 {
                var packet = voicePacket(sequence)
                try sender.protectRTP(&packet)
                protected.append(packet)
            }
            var first = protected[0]
            try receiver.unprotectRTP(&first)
            var again = protected[0]
            assertSRTPError(.replayed) { try receiver.unprotectRTP(&again) }

            var newest = protected[99]
            try receiver.unprotectRTP(&newest)
            // 1098 is reordered but inside the 64-packet window; 1010 is far behind it.
            var reordered = protected[98]
            try receiver.unprotectRTP(&reordered)
            var stale = protected[10]
            assertSRTPError(.replayTooOld) { try receiver.unprotectRTP(&stale) }
        }
    }

    func testRTCPReplayIsRejected() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        var packet = receiverReport()
        try sender.protectRTCP(&packet)
        var copy = packet
        try receiver.unprotectRTCP(&packet)
        assertSRTPError(.replayed) { try receiver.unprotectRTCP(&copy) }
    }

    func testUnencryptedSRTCPIsRefused() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        var packet = receiverReport()
        try sender.protectRTCP(&packet)
        // Clear the E flag (first bit of the SRTCP index word, before the 10-byte tag).
        packet[packet.count - 14] &= 0x7F
        assertSRTPError(.malformedPacket) { try receiver.unprotectRTCP(&packet) }
    }

    func testSenderRefusesToReuseASequenceNumber() throws {
        let sender = try SRTPContext(.sender, key: testKey(.aesCM128HMACSHA1_80))
        var packet = voicePacket(5)
        try sender.protectRTP(&packet)
        var same = voicePacket(5)
        assertSRTPError(.replayed) { try sender.protectRTP(&same) }
    }

    func testReceiverAcceptsSeveralSSRCs() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        for ssrc: UInt32 in [1, 2, 0xFFFF_FFFF] {
            let original = voicePacket(42, ssrc: ssrc)
            var packet = original
            try sender.protectRTP(&packet)
            try receiver.unprotectRTP(&packet)
            XCTAssertEqual(packet, original)
        }
    }

    func testDirectionIsEnforced() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        var packet = voicePacket(1)
        assertSRTPError(.wrongDirection) { try receiver.protectRTP(&packet) }
        assertSRTPError(.wrongDirection) { try sender.unprotectRTP(&packet) }
        assertSRTPError(.wrongDirection) { try receiver.protectRTCP(&packet) }
        assertSRTPError(.wrongDirection) { try sender.unprotectRTCP(&packet) }
        XCTAssertEqual(packet, voicePacket(1))
    }

    func testOverlappingUseIsRefusedNotRaced() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        var packet = voicePacket(1)
        sender.holdForTesting(true)
        assertSRTPError(.concurrentUse) { try sender.protectRTP(&packet) }
        XCTAssertEqual(packet, voicePacket(1), "nothing was done")
        sender.holdForTesting(false)
        try sender.protectRTP(&packet)
        receiver.holdForTesting(true)
        assertSRTPError(.concurrentUse) { try receiver.unprotectRTP(&packet) }
        receiver.holdForTesting(false)
        try receiver.unprotectRTP(&packet)
        XCTAssertEqual(packet, voicePacket(1))
    }

    func testReplayWindowAndKeyLengthsAreValidated() throws {
        let key = testKey(.aesCM128HMACSHA1_80)
        assertSRTPError(.invalidReplayWindow) { _ = try SRTPContext(.receiver, key: key, replayWindow: 63) }
        assertSRTPError(.invalidReplayWindow) { _ = try SRTPContext(.receiver, key: key, replayWindow: 0x8000) }
        XCTAssertNoThrow(try SRTPContext(.receiver, key: key, replayWindow: 64))
        assertSRTPError(.invalidKey) { _ = try SRTPMasterKey(suite: .aeadAES128GCM, keyAndSalt: key.keyAndSalt) }
        assertSRTPError(.invalidKey) { _ = try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, key: key.key, salt: []) }
        XCTAssertEqual(try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, keyAndSalt: key.keyAndSalt), key)
    }

    func testKeysNeverShowInDescriptions() {
        let key = testKey(.aesCM128HMACSHA1_80)
        let text = "\(key) \(String(reflecting: key)) \(SRTPSessionKeys(local: key, remote: key))"
        XCTAssertFalse(text.contains("\(key.key)"), text)
        XCTAssertFalse(text.contains(Base64.encode(key.keyAndSalt)), text)
        XCTAssertTrue(text.contains("redacted"), text)
    }

    func testRandomKeysDiffer() {
        let keys = (0..<8).map { _ in SRTPMasterKey.random(for: .aesCM128HMACSHA1_80) }
        XCTAssertEqual(Set(keys.map(\.keyAndSalt)).count, keys.count)
        XCTAssertTrue(keys.allSatisfy { $0.key.count == 16 && $0.salt.count == 14 })
    }
}
