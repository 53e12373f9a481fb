import Codecs
import XCTest

/// G.722 through spandsp: sizes and RTP clock (RFC 3551 §4.5.2), a tone's round trip, silence,
/// state carried across frames, and concealment of a lost frame.
final class G722Tests: XCTestCase {
    private typealias Signals = AudioTestSignals

    /// Encodes `pcm` in 20 ms frames with one encoder and decodes every frame with one decoder.
    private func roundTrip(_ pcm: [Int16]) throws -> (payload: [[UInt8]], decoded: [Int16]) {
        let encoder = try G722.Encoder()
        let decoder = try G722.Decoder()
        var packets: [[UInt8]] = []
        var decoded: [Int16] = []
        for start in stride(from: 0, to: pcm.count, by: 320) {
            let frame = Array(pcm[start..<min(start + 320, pcm.count)])
            let packet = try encoder.encode(frame: frame)
            packets.append(packet)
            try packet.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
        }
        return (packets, decoded)
    }

    func testFrameSizesAndRTPClockFollowRFC3551() throws {
        let encoder = try G722.Encoder()
        XCTAssertEqual(encoder.sampleRate, 16_000)
        XCTAssertEqual(encoder.rtpClockRate, 8000)
        XCTAssertEqual(encoder.frameSize, 320)
        XCTAssertEqual(encoder.rtpTimestampIncrement, 160, "20 ms advances the RTP clock by 160")
        XCTAssertEqual(encoder.frameDuration, 20)
        let packet = try encoder.encode(frame: Signals.tone(1000, rate: 16_000, count: 320))
        XCTAssertEqual(packet.count, 160, "64 kbit/s for 20 ms is 160 bytes")
        let decoder = try G722.Decoder()
        XCTAssertEqual(try decoder.decode(payload: packet).count, 320)
        XCTAssertEqual(CodecDescription.g722.rtpmap, "G722/8000")
        XCTAssertEqual(CodecDescription.g722.encoding.staticPayloadType, 9)
    }

    func testOneKilohertzToneKeepsItsFrequencyAndSNR() throws {
        let tone = Signals.tone(1000, rate: 16_000, count: 16_000)
        let (_, decoded) = try roundTrip(tone)
        XCTAssertEqual(decoded.count, tone.count)
        let frequency = Signals.dominantFrequency(decoded[1600...], rate: 16_000, in: 900...1100)
        XCTAssertEqual(frequency, 1000, accuracy: 2)
        let (snr, _) = Signals.snr(reference: tone, output: decoded, start: 1600, count: 8000, maxLag: 32)
        // Measured 47.2 dB. spandsp is bit-exact, so this does not drift; 40 dB leaves room for a
        // different (still conformant) build while a broken band split or bit packing scores
        // below 10 dB.
        XCTAssertGreaterThan(snr, 40)
    }

    func testThreeToneMixKeepsItsShapeWithTheQMFDelay() throws {
        // Three unrelated tones (one per octave region) make the delay unambiguous, which a pure
        // tone's period would hide.
        let mix = (0..<16_000).map { index -> Int16 in
            let t = Double(index) / 16_000
            return Int16(3000 * (sin(2 * .pi * 310 * t) + sin(2 * .pi * 1170 * t) + sin(2 * .pi * 2730 * t)))
        }
        let (_, decoded) = try roundTrip(mix)
        let (snr, lag) = Signals.snr(reference: mix, output: decoded, start: 1600, count: 8000, maxLag: 64)
        // Measured 34.4 dB at 22 samples: the two 24-tap QMF filters (analysis and synthesis)
        // delay the signal by about 1.4 ms.
        XCTAssertGreaterThan(snr, 30)
        XCTAssertEqual(lag, 22, accuracy: 1)
    }

    func testSilenceStaysSilence() throws {
        let (packets, decoded) = try roundTrip([Int16](repeating: 0, count: 16_000))
        XCTAssertEqual(packets.count, 50)
        XCTAssertTrue(packets.allSatisfy { $0.count == 160 })
        // ADPCM never reaches a zero step, so digital silence comes back as idle-channel noise of a
        // few units (measured: peak 4, RMS 1.6, i.e. below -78 dBFS). A tone leaking through or
        // a broken decoder would be orders of magnitude louder.
        let peak = decoded.map { abs(Int($0)) }.max() ?? -1
        XCTAssertLessThanOrEqual(peak, 8)
        XCTAssertLessThan(Signals.rms(decoded[...]), 3)
    }

    func testStateCarriesAcrossFramesAndPiecesEqualOneCall() throws {
        let tone = Signals.tone(700, rate: 16_000, count: 1280)
        let whole = try G722.Encoder().encode(frame: tone)
        let pieces = try G722.Encoder()
        var joined: [UInt8] = []
        for start in stride(from: 0, to: tone.count, by: 96) {
            joined += try pieces.encode(frame: Array(tone[start..<min(start + 96, tone.count)]))
        }
        XCTAssertTrue(joined == whole, "feeding in pieces must not change the ADPCM state")
        let secondHalfFresh = try G722.Encoder().encode(frame: Array(tone[640...]))
        XCTAssertFalse(Array(whole[320...]) == secondHalfFresh, "a fresh encoder has no history")
    }

    func testOddSampleCountIsRefused() throws {
        let encoder = try G722.Encoder()
        XCTAssertThrowsError(try encoder.encode(frame: [1, 2, 3])) { error in
            XCTAssertEqual(error as? CodecError, .sampleCountNotMultiple(codec: "G722", count: 3, multiple: 2))
        }
    }

    func testOversizedPayloadIsRefusedAndAnyByteDecodes() throws {
        let decoder = try G722.Decoder()
        XCTAssertThrowsError(try decoder.decode(payload: [UInt8](repeating: 0x55, count: G722.maximumPayload + 1)))
        let everyCode = (0...255).map { UInt8($0) }
        XCTAssertEqual(try decoder.decode(payload: everyCode).count, 512)
        XCTAssertEqual(try decoder.decode(payload: []).count, 0)
    }

    func testConcealmentContinuesATone() throws {
        let tone = Signals.tone(1000, rate: 16_000, count: 3200)
        let encoder = try G722.Encoder()
        let packets = try stride(from: 0, to: 3200, by: 320).map { try encoder.encode(frame: Array(tone[$0..<($0 + 320)])) }
        let concealing = try LossConcealer(G722.Decoder())
        let plain = try G722.Decoder()
        for packet in packets.prefix(8) {
            _ = try concealing.decode(payload: packet)
            _ = try plain.decode(payload: packet)
        }
        let filled = try concealing.concealLoss()
        let silent = try plain.concealLoss()
        XCTAssertEqual(filled.count, 320)
        XCTAssertTrue(silent == [Int16](repeating: 0, count: 320), "the bare decoder has no concealment")
        let firstTen = filled[0..<160]
        XCTAssertEqual(Signals.dominantFrequency(firstTen, rate: 16_000, in: 800...1200, step: 5), 1000, accuracy: 25)
        // The concealer fades over the frame; its first 10 ms keep most of the tone's level.
        XCTAssertGreaterThan(Signals.rms(firstTen), 0.4 * Signals.rms(tone[...]))
    }
}
