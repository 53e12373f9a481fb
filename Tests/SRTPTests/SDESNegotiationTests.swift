import SDP
@testable import SRTP
import XCTest

/// The offer/answer table of ``SRTPPolicy``, then full exchanges between two negotiators whose
/// keys must actually carry media.
final class SDESNegotiationTests: XCTestCase {
    private let key80 = "1 AES_CM_128_HMAC_SHA1_80 inline:\(SDESCryptoTests.rfcKey)"
    private let key32 = "2 AES_CM_128_HMAC_SHA1_32 inline:\(SDESCryptoTests.rfcKey)"
    private var keyGCM: String { "3 AEAD_AES_128_GCM inline:\(Base64.encode(Array(repeating: 9, count: 28)))" }
    private let mki = "4 AES_CM_128_HMAC_SHA1_80 inline:\(SDESCryptoTests.rfcKey)|2^20|1:4"

    private enum Expected: Equatable {
        case plain
        case secure(SRTPSuite, tag: Int)
        case refused(SRTPNegotiationError.Kind)
    }

    func testAnswerTable() {
        let rows: [(String, [String], SRTPPolicy, Expected)] = [
            ("RTP/AVP", [], .off, .plain),
            ("RTP/AVP", [], .optional, .plain),
            ("RTP/AVP", [], .required, .refused(.srtpRequired)),
            ("RTP/AVP", [key80], .off, .plain),
            ("RTP/AVP", [key80], .optional, .secure(.aesCM128HMACSHA1_80, tag: 1)),
            ("RTP/AVP", [key80], .required, .secure(.aesCM128HMACSHA1_80, tag: 1)),
            ("RTP/AVP", [mki], .optional, .plain),
            ("RTP/AVP", [mki], .required, .refused(.noAcceptableCrypto)),
            ("RTP/SAVP", [key80], .off, .refused(.srtpDisabled)),
            ("RTP/SAVP", [key32, key80], .optional, .secure(.aesCM128HMACSHA1_80, tag: 1)),
            ("RTP/SAVP", [key32], .required, .secure(.aesCM128HMACSHA1_32, tag: 2)),
            ("RTP/SAVP", [mki, key32], .required, .secure(.aesCM128HMACSHA1_32, tag: 2)),
            ("RTP/SAVP", [key80, key32, keyGCM], .required, .secure(.aeadAES128GCM, tag: 3)),
            ("RTP/SAVP", [mki], .required, .refused(.noAcceptableCrypto)),
            ("RTP/SAVP", [], .optional, .refused(.noAcceptableCrypto)),
            ("RTP/SAVP", ["garbage"], .required, .refused(.noAcceptableCrypto)),
            ("RTP/SAVPF", [key80], .required, .secure(.aesCM128HMACSHA1_80, tag: 1)),
            ("RTP/AVPF", [key80], .optional, .secure(.aesCM128HMACSHA1_80, tag: 1)),
            ("UDP/TLS/RTP/SAVP", [key80], .required, .refused(.unsupportedProfile)),
            ("UDP/TLS/RTP/SAVPF", [], .off, .refused(.unsupportedProfile)),
        ]
        var random = SeededGenerator(seed: 3)
        for (profile, lines, policy, expected) in rows {
            let context = "\(profile) \(lines.map { $0.prefix(30) }) \(policy)"
            var actual: Expected
            do {
                let answer = try SDESNegotiator(policy: policy).answer(profile: profile, cryptoValues: lines, using: &random)
                XCTAssertEqual(answer.profile, profile, context)
                if let crypto = answer.crypto, let keys = answer.keys {
                    actual = .secure(crypto.suite, tag: crypto.tag)
                    XCTAssertEqual(keys.local, crypto.key, context)
                    XCTAssertNotEqual(keys.local, keys.remote, "our key is fresh: \(context)")
                    XCTAssertEqual(keys.remote.suite, crypto.suite, context)
                    let offered = lines.first { $0.hasPrefix("\(crypto.tag) ") }
                    XCTAssertEqual(try offered.map { try SDESCrypto(attributeValue: $0).key }, keys.remote, context)
                } else {
                    XCTAssertNil(answer.crypto, context)
                    XCTAssertNil(answer.keys, context)
                    actual = .plain
                }
            } catch {
                actual = .refused(error.kind)
                XCTAssertEqual(error.sipStatus, 488)
            }
            XCTAssertEqual(actual, expected, context)
        }
    }

    func testRefusalReportsEachLine() {
        XCTAssertThrowsError(try SDESNegotiator(policy: .required).answer(profile: "RTP/SAVP", cryptoValues: [mki, "9 NULL_CIPHER inline:x"])) { error in
            guard let error = error as? SRTPNegotiationError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .noAcceptableCrypto)
            XCTAssertEqual(error.rejected.map(\.kind), [.mkiNotSupported, .unsupportedSuite])
            XCTAssertEqual(error.rejected.map(\.tag), [4, 9])
            XCTAssertEqual(error.warningCode, 306)
        }
    }

    func testAcceptedSuitesNarrowTheChoice() throws {
        let negotiator = SDESNegotiator(policy: .required, acceptedSuites: [.aesCM128HMACSHA1_32])
        let answer = try negotiator.answer(profile: "RTP/SAVP", cryptoValues: [key80, key32])
        XCTAssertEqual(answer.crypto?.tag, 2)
        XCTAssertEqual(answer.rejected.map(\.kind), [.unsupportedSuite])
    }

    func testOffersPerPolicy() {
        var random = SeededGenerator(seed: 11)
        let required = SDESNegotiator(policy: .required).offer(using: &random)
        XCTAssertEqual(required.profile, "RTP/SAVP")
        XCTAssertEqual(required.cryptos.map(\.tag), [1, 2])
        XCTAssertEqual(required.cryptos.map(\.suite), [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32])
        XCTAssertNotEqual(required.cryptos[0].key.keyAndSalt, Array(required.cryptos[1].key.keyAndSalt.prefix(30)))

        let optional = SDESNegotiator(policy: .optional).offer(using: &random)
        XCTAssertEqual(optional.profile, "RTP/AVP")
        XCTAssertEqual(optional.cryptos.count, 2)

        let off = SDESNegotiator(policy: .off).offer(using: &random)
        XCTAssertEqual(off.profile, "RTP/AVP")
        XCTAssertTrue(off.cryptos.isEmpty)

        var media = MediaDescription(media: "audio", port: 4000, proto: "RTP/AVPF", formats: ["0"],
                                     attributes: [Attribute(name: "crypto", value: "stale"), Attribute(name: "sendrecv")])
        required.apply(to: &media)
        XCTAssertEqual(media.proto, "RTP/SAVPF")
        XCTAssertEqual(media.crypto.map(\.attributeValue), required.cryptos.map(\.attributeValue))
        XCTAssertEqual(media.attributes.filter { $0.name == "crypto" }.count, 2)
        XCTAssertEqual(media.direction, .sendrecv)
    }

    /// A real exchange through SDP values: offer, answer, accept, and media both ways.
    func testFullExchangeCarriesMediaBothWays() throws {
        for (offererPolicy, answererPolicy) in [(SRTPPolicy.required, SRTPPolicy.required), (.optional, .optional), (.optional, .required)] {
            let offer = SDESNegotiator(policy: offererPolicy).offer()
            var offeredMedia = MediaDescription(media: "audio", port: 4000, proto: "RTP/AVP", formats: ["0"])
            offer.apply(to: &offeredMedia)

            let answer = try SDESNegotiator(policy: answererPolicy).answer(to: offeredMedia)
            var answeredMedia = MediaDescription(media: "audio", port: 5000, proto: "RTP/AVP", formats: ["0"])
            answer.apply(to: &answeredMedia)
            XCTAssertEqual(answeredMedia.proto, offeredMedia.proto)
            XCTAssertEqual(answeredMedia.crypto.count, 1)

            let offererKeys = try XCTUnwrap(try offer.accept(answeredMedia))
            let answererKeys = try XCTUnwrap(answer.keys)
            XCTAssertEqual(offererKeys.local, answererKeys.remote)
            XCTAssertEqual(offererKeys.remote, answererKeys.local)

            let offerer = try SRTPSession(keys: offererKeys)
            let answerer = try SRTPSession(keys: answererKeys)
            var packet = voicePacket(1)
            try offerer.sender.protectRTP(&packet)
            try answerer.receiver.unprotectRTP(&packet)
            XCTAssertEqual(packet, voicePacket(1))
            var report = receiverReport()
            try answerer.sender.protectRTCP(&report)
            try offerer.receiver.unprotectRTCP(&report)
            XCTAssertEqual(report, receiverReport())
        }
    }

    func testAnswerChecks() throws {
        var random = SeededGenerator(seed: 5)
        let offer = SDESNegotiator(policy: .required).offer(using: &random)
        let theirKey = SDESCrypto(tag: 2, key: testKey(.aesCM128HMACSHA1_32, seed: 9)).attributeValue
        let wrongSuite = "2 AES_CM_128_HMAC_SHA1_80 inline:\(SDESCryptoTests.rfcKey)"
        let unknownTag = "7 AES_CM_128_HMAC_SHA1_80 inline:\(SDESCryptoTests.rfcKey)"

        let keys = try XCTUnwrap(try offer.accept(profile: "RTP/SAVP", cryptoValues: [theirKey]))
        XCTAssertEqual(keys.local, offer.cryptos[1].key)
        XCTAssertEqual(keys.suite, .aesCM128HMACSHA1_32)

        let failures: [([String], SRTPNegotiationError.Kind)] = [
            ([], .srtpRequired),
            ([theirKey, theirKey], .invalidAnswer),
            ([wrongSuite], .invalidAnswer),
            ([unknownTag], .invalidAnswer),
            ([mki], .invalidAnswer),
        ]
        for (lines, kind) in failures {
            XCTAssertThrowsError(try offer.accept(profile: "RTP/SAVP", cryptoValues: lines)) { error in
                XCTAssertEqual((error as? SRTPNegotiationError)?.kind, kind, "\(lines)")
            }
        }
        XCTAssertThrowsError(try offer.accept(profile: "UDP/TLS/RTP/SAVP", cryptoValues: [theirKey]))

        // Best effort: a peer that ignores a=crypto answers plain RTP, which is fine.
        let bestEffort = SDESNegotiator(policy: .optional).offer(using: &random)
        XCTAssertNil(try bestEffort.accept(profile: "RTP/AVP", cryptoValues: []))
        // With SRTP off we offered nothing, so crypto in the answer is ignored.
        XCTAssertNil(try SDESNegotiator(policy: .off).offer().accept(profile: "RTP/AVP", cryptoValues: [theirKey]))
    }

    /// Re-INVITE: the peer keeps its key, we answer with a fresh one. Only our sender is
    /// replaced, and the receiver keeps decrypting the peer's stream across the change.
    func testRekeyReplacesOnlyChangedDirections() throws {
        let peerKey = testKey(.aesCM128HMACSHA1_80, seed: 21)
        let peerSender = try SRTPContext(.sender, key: peerKey)
        let offerValue = SDESCrypto(tag: 1, key: peerKey).attributeValue
        let negotiator = SDESNegotiator(policy: .required)

        let first = try XCTUnwrap(negotiator.answer(profile: "RTP/SAVP", cryptoValues: [offerValue]).keys)
        var session = try SRTPSession(keys: first)
        let oldReceiver = session.receiver
        for sequence in UInt16(0)..<5 {
            var packet = voicePacket(sequence)
            try peerSender.protectRTP(&packet)
            try session.receiver.unprotectRTP(&packet)
        }

        let second = try XCTUnwrap(negotiator.answer(profile: "RTP/SAVP", cryptoValues: [offerValue]).keys)
        XCTAssertNotEqual(second.local, first.local)
        XCTAssertEqual(try session.rekey(to: second), SRTPSession.Replaced(sender: true, receiver: false))
        XCTAssertTrue(session.receiver === oldReceiver)
        XCTAssertEqual(session.keys, second)
        var packet = voicePacket(5)
        try peerSender.protectRTP(&packet)
        try session.receiver.unprotectRTP(&packet)
        XCTAssertEqual(packet, voicePacket(5))

        // Now the peer re-keys too: the receiver is replaced and uses the new key.
        let newPeerKey = testKey(.aesCM128HMACSHA1_32, seed: 22)
        let third = SRTPSessionKeys(local: second.local, remote: newPeerKey)
        XCTAssertEqual(try session.rekey(to: third), SRTPSession.Replaced(sender: false, receiver: true))
        var fresh = voicePacket(6)
        try SRTPContext(.sender, key: newPeerKey).protectRTP(&fresh)
        try session.receiver.unprotectRTP(&fresh)
        XCTAssertEqual(fresh, voicePacket(6))
    }
}
