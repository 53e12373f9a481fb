import Codecs
import XCTest

/// Opus through libopus: tone round trips at 8/16/48 kHz, decoding to another rate, in-band FEC
/// against plain concealment, DTX, frame size checks and configuration limits.
final class OpusTests: XCTestCase {
    private typealias Signals = AudioTestSignals

    /// Encodes `pcm` frame by frame and decodes every packet with `decoder`.
    private func roundTrip(_ pcm: [Int16], encoder: Opus.Encoder, decoder: Opus.Decoder) throws -> (packets: [[UInt8]], decoded: [Int16]) {
        let step = encoder.frameSize * encoder.channels
        var packets: [[UInt8]] = []
        var decoded: [Int16] = []
        for start in stride(from: 0, to: pcm.count - step + 1, by: step) {
            let packet = try encoder.encode(frame: Array(pcm[start..<(start + step)]))
            packets.append(packet)
            try packet.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
        }
        return (packets, decoded)
    }

    func testToneRoundTripAtEachRateKeepsFrequency() throws {
        for rate in [8000, 16_000, 48_000] {
            let tone = Signals.tone(1000, rate: rate, count: rate / 2)
            let encoder = try Opus.Encoder(sampleRate: rate)
            let decoder = try Opus.Decoder(sampleRate: rate)
            XCTAssertEqual(encoder.frameSize, rate / 50)
            XCTAssertEqual(encoder.rtpTimestampIncrement, 960, "RFC 7587: the RTP clock is 48 kHz at every rate")
            let (packets, decoded) = try roundTrip(tone, encoder: encoder, decoder: decoder)
            XCTAssertEqual(packets.count, 25)
            XCTAssertEqual(decoded.count, tone.count, "\(rate) Hz")
            let steady = decoded[(rate / 10)...]
            XCTAssertEqual(Signals.dominantFrequency(steady, rate: rate, in: 900...1100), 1000, accuracy: 2, "\(rate) Hz")
            // Fit a sine of any phase (the codec's delay is not a whole number of samples) and
            // compare what is left: measured 36.0 / 42.2 / 37.0 dB at 8 / 16 / 48 kHz and
            // 32 kbit/s. A wrong rate, channel layout or frame size scores near 0 dB.
            let snr = Signals.toneSNR(steady, frequency: 1000, rate: rate)
            XCTAssertGreaterThan(snr, 25, "\(rate) Hz")
        }
    }

    func testDecodesToTheRequestedRate() throws {
        let tone = Signals.tone(1000, rate: 48_000, count: 24_000)
        let encoder = try Opus.Encoder(sampleRate: 48_000)
        let packets = try stride(from: 0, to: tone.count, by: 960).map {
            try encoder.encode(frame: Array(tone[$0..<($0 + 960)]))
        }
        for rate in [8000, 16_000, 48_000] {
            let decoder = try Opus.Decoder(sampleRate: rate)
            var decoded: [Int16] = []
            for packet in packets {
                let before = decoded.count
                try packet.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
                XCTAssertEqual(decoded.count - before, rate / 50, "one 20 ms packet at \(rate) Hz")
            }
            XCTAssertEqual(Signals.dominantFrequency(decoded[(rate / 10)...], rate: rate, in: 900...1100), 1000,
                           accuracy: 2, "\(rate) Hz")
        }
    }

    /// A voiced-speech stand-in: eight harmonics of a pitch gliding between 80 and 200 Hz, with a
    /// 3 Hz syllable envelope. Plain concealment can only extrapolate the last pitch period; FEC
    /// carries a coarse copy of the lost frame itself.
    private func voicedSignal(rate: Int, count: Int) -> [Int16] {
        (0..<count).map { index in
            let t = Double(index) / Double(rate)
            let phase = 2 * Double.pi * (140 * t - 60 / (2 * .pi * 1.3) * cos(2 * .pi * 1.3 * t))
            let harmonics = (1...8).reduce(0.0) { $0 + sin(Double($1) * phase) / Double($1) }
            return Int16(5000 * harmonics * (0.6 + 0.4 * sin(2 * .pi * 3 * t)))
        }
    }

    func testInBandFECRecoversALostPacketBetterThanConcealment() throws {
        let rate = 16_000
        let frame = 320
        let signal = voicedSignal(rate: rate, count: 60 * frame)
        let encoder = try Opus.Encoder(sampleRate: rate, configuration: Opus.Configuration(
            bitrate: 32_000, inbandFEC: true, expectedPacketLoss: 20))
        let packets = try stride(from: 0, to: signal.count, by: frame).map {
            try encoder.encode(frame: Array(signal[$0..<($0 + frame)]))
        }
        var concealmentError = 0.0
        var fecError = 0.0
        for lost in [20, 27, 33, 41, 50] {
            let clean = try Opus.Decoder(sampleRate: rate)
            let concealing = try Opus.Decoder(sampleRate: rate)
            let recovering = try Opus.Decoder(sampleRate: rate)
            var reference: [Int16] = []
            var concealed: [Int16] = []
            var recovered: [Int16] = []
            for (index, packet) in packets.enumerated() {
                reference += try clean.decode(payload: packet)
                if index == lost {
                    concealed += try concealing.concealLoss()
                    try packets[index + 1].withUnsafeBytes { try recovering.concealLoss(before: $0, into: &recovered) }
                } else {
                    concealed += try concealing.decode(payload: packet)
                    recovered += try recovering.decode(payload: packet)
                }
            }
            XCTAssertEqual(concealed.count, reference.count)
            XCTAssertEqual(recovered.count, reference.count)
            // The error is measured against what the decoder would have produced with no loss.
            for index in (lost * frame)..<((lost + 1) * frame) {
                concealmentError += pow(Double(concealed[index]) - Double(reference[index]), 2)
                fecError += pow(Double(recovered[index]) - Double(reference[index]), 2)
            }
        }
        // Measured: FEC leaves 8% of the concealment error at 32 kbit/s (25% at 24 kbit/s; at
        // 16 kbit/s wideband libopus codes no FEC at all and the two are equal).
        XCTAssertLessThan(fecError, 0.5 * concealmentError,
                          "FEC error \(fecError) vs concealment error \(concealmentError)")
    }

    func testDTXTurnsSilenceIntoTinyPackets() throws {
        let silence = [Int16](repeating: 0, count: 320)
        var sizes: [Bool: [Int]] = [:]
        for dtx in [false, true] {
            let encoder = try Opus.Encoder(sampleRate: 16_000, configuration: Opus.Configuration(dtx: dtx))
            sizes[dtx] = try (0..<50).map { _ in try encoder.encode(frame: silence).count }
            XCTAssertEqual(encoder.isInDTX, dtx)
        }
        let discontinuous = { (packets: [Int]) in packets.filter { $0 <= 2 }.count }
        // Measured: after 200 ms of silence libopus sends 1-byte packets, with one 8-byte refresh
        // every 400 ms; without DTX every packet is 8 bytes.
        XCTAssertGreaterThanOrEqual(discontinuous(sizes[true] ?? []), 35, "\(sizes[true] ?? [])")
        XCTAssertEqual(discontinuous(sizes[false] ?? [-1]), 0, "\(sizes[false] ?? [])")
        XCTAssertTrue([UInt8]([0x08]).withUnsafeBytes(Opus.Encoder.isDiscontinuous))
    }

    func testPacketInfoDescribesAnEncodedFrame() throws {
        let encoder = try Opus.Encoder(sampleRate: 16_000, configuration: Opus.Configuration(maxBandwidth: .wideband))
        let packet = try encoder.encode(frame: Signals.tone(440, rate: 16_000, count: 320))
        let info = try Opus.PacketInfo(parsing: packet)
        XCTAssertEqual(info.channels, 1)
        XCTAssertEqual(info.duration, 960, "20 ms at 48 kHz")
        XCTAssertLessThanOrEqual(info.bandwidth, .wideband)
        XCTAssertEqual(info.frameSizes.reduce(0, +) + 1, packet.count, "one TOC byte plus the frames (code 0)")
    }

    func testWrongFrameSizeAndBadSettingsAreTypedErrors() throws {
        let encoder = try Opus.Encoder(sampleRate: 16_000)
        XCTAssertThrowsError(try encoder.encode(frame: [Int16](repeating: 0, count: 319))) { error in
            XCTAssertEqual(error as? CodecError, .frameSizeMismatch(codec: "opus", expected: 320, actual: 319))
        }
        XCTAssertThrowsError(try Opus.Encoder(sampleRate: 44_100)) { error in
            XCTAssertEqual(error as? CodecError, .unsupportedSampleRate(codec: "opus", sampleRate: 44_100))
        }
        XCTAssertThrowsError(try Opus.Encoder(configuration: Opus.Configuration(complexity: 11))) { error in
            XCTAssertEqual(error as? CodecError, .invalidSetting(name: "complexity", value: 11))
        }
        XCTAssertThrowsError(try Opus.Encoder(configuration: Opus.Configuration(frameDuration: 30)))
        XCTAssertThrowsError(try Opus.Decoder(channels: 3))
        let tenMilliseconds = try Opus.Encoder(sampleRate: 8000, configuration: Opus.Configuration(frameDuration: 10))
        XCTAssertEqual(tenMilliseconds.frameSize, 80)
        XCTAssertEqual(tenMilliseconds.rtpTimestampIncrement, 480)
    }
}
