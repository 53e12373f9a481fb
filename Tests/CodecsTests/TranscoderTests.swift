import Codecs
import XCTest

/// Transcoding between every pair of G.711 µ-law, G.711 A-law, G.722 and Opus keeps a 440 Hz
/// tone at 440 Hz, emits one packet per packet, follows packet-time changes and survives loss
/// and corrupt input.
final class TranscoderTests: XCTestCase {
    private typealias Signals = AudioTestSignals

    private let all: [CodecDescription] = [.pcmu, .pcma, .g722, .opus(Opus.Parameters(useInbandFEC: true))]

    /// Packets of `description` carrying `tone`, made by the factory's encoder.
    private func packets(of description: CodecDescription, seconds: Double, frequency: Double,
                         packetTime: Int = 20) throws -> [[UInt8]] {
        var encoder = try CodecFactory().makeEncoder(for: description, sampleRate: description.encoding.naturalSampleRate,
                                                     frameDuration: packetTime)
        let rate = encoder.sampleRate
        let tone = Signals.tone(frequency, rate: rate, count: Int(seconds * Double(rate)))
        let step = rate * packetTime / 1000
        return try stride(from: 0, to: tone.count - step + 1, by: step).map {
            try encoder.encode(frame: Array(tone[$0..<($0 + step)]))
        }
    }

    /// Decodes `packets` of `description` at its natural rate (mono).
    private func decode(_ packets: [[UInt8]], as description: CodecDescription) throws -> (pcm: [Int16], rate: Int) {
        var decoder = try CodecFactory().makeDecoder(for: description, sampleRate: description.encoding.naturalSampleRate)
        var pcm: [Int16] = []
        for packet in packets {
            try packet.withUnsafeBytes { try decoder.decode($0, into: &pcm) }
        }
        return (pcm, decoder.sampleRate)
    }

    func testEveryPairKeepsA440HertzTone() throws {
        for source in all {
            for target in all where target != source {
                let input = try packets(of: source, seconds: 0.6, frequency: 440)
                let transcoder = try Transcoder(from: source, to: target)
                var output: [[UInt8]] = []
                for packet in input {
                    output += try transcoder.transcode(packet)
                }
                XCTAssertEqual(output.count, input.count, "\(source.name) → \(target.name): one packet per packet")
                let (pcm, rate) = try decode(output, as: target)
                XCTAssertEqual(pcm.count, Int(0.6 * Double(rate)), "\(source.name) → \(target.name)")
                let steady = pcm[(rate / 5)...]
                let frequency = Signals.dominantFrequency(steady, rate: rate, in: 300...600)
                XCTAssertEqual(frequency, 440, accuracy: 5, "\(source.name) → \(target.name)")
                // Two lossy codecs in a row: measured 33–40 dB over all twelve pairs (lowest from
                // Opus to G.711, where 8 kHz Opus meets µ/A-law quantisation). One dropped or
                // repeated 20 ms frame (a phase jump) scores about 5 dB.
                XCTAssertGreaterThan(Signals.toneSNR(steady, frequency: 440, rate: rate), 25,
                                     "\(source.name) → \(target.name)")
            }
        }
    }

    func testOpusRunsAtTheOtherSidesRateSoOnlyG711ToG722Resamples() throws {
        let opus = CodecDescription.opus()
        XCTAssertEqual(try Transcoder(from: opus, to: .pcmu).decoderSampleRate, 8000)
        XCTAssertEqual(try Transcoder(from: .g722, to: opus).encoderSampleRate, 16_000)
        XCTAssertFalse(try Transcoder(from: opus, to: .g722).resamples)
        XCTAssertTrue(try Transcoder(from: .pcma, to: .g722).resamples)
        XCTAssertTrue(try Transcoder(from: .g722, to: .pcmu).resamples)
        XCTAssertFalse(try Transcoder(from: .pcmu, to: .pcma).resamples)
    }

    func testPacketTimeChangeCutsTheStreamIntoNewFrames() throws {
        // 30 ms G.711 in, 20 ms G.722 out: every 60 ms, two packets in make three packets out.
        let input = try packets(of: .pcmu, seconds: 0.6, frequency: 440, packetTime: 30)
        XCTAssertEqual(input.count, 20)
        XCTAssertTrue(input.allSatisfy { $0.count == 240 })
        let transcoder = try Transcoder(from: .pcmu, to: .g722, frameDuration: 20)
        var counts: [Int] = []
        var output: [[UInt8]] = []
        for packet in input {
            let produced = try transcoder.transcode(packet)
            counts.append(produced.count)
            output += produced
        }
        XCTAssertEqual(output.count, 30)
        XCTAssertEqual(Array(counts.prefix(4)), [1, 2, 1, 2])
        XCTAssertTrue(output.allSatisfy { $0.count == 160 }, "20 ms of G.722")
    }

    func testStereoOpusDownmixesAndMonoUpmixesForAStereoReceiver() throws {
        let stereoOpus = CodecDescription.opus(Opus.Parameters(stereo: true))
        let factory = CodecFactory(opus: Opus.Configuration(bitrate: 64_000), captureChannels: 2)
        let up = try Transcoder(from: .pcmu, to: stereoOpus, factory: factory)
        var opusPackets: [[UInt8]] = []
        for packet in try packets(of: .pcmu, seconds: 0.4, frequency: 440) {
            opusPackets += try up.transcode(packet)
        }
        XCTAssertEqual(try Opus.PacketInfo(parsing: opusPackets[5]).channels, 2, "the receiver asked for stereo")
        let down = try Transcoder(from: stereoOpus, to: .pcma, factory: factory)
        var alaw: [[UInt8]] = []
        for packet in opusPackets {
            alaw += try down.transcode(packet)
        }
        XCTAssertTrue(alaw.allSatisfy { $0.count == 160 }, "mono 8 kHz out")
        let (pcm, rate) = try decode(alaw, as: .pcma)
        XCTAssertEqual(Signals.dominantFrequency(pcm[(rate / 5)...], rate: rate, in: 300...600), 440, accuracy: 5)
    }

    func testLossIsConcealedAndCorruptInputIsAnErrorNotACrash() throws {
        let opus = CodecDescription.opus(Opus.Parameters(useInbandFEC: true))
        let input = try packets(of: opus, seconds: 0.2, frequency: 440)
        let transcoder = try Transcoder(from: opus, to: .pcmu)
        _ = try transcoder.transcode(input[0])
        var concealed: [[UInt8]] = []
        try transcoder.concealLoss { concealed.append(Array($0)) }
        try input[2].withUnsafeBytes { next in
            _ = try transcoder.concealLoss(before: next) { concealed.append(Array($0)) }
        }
        XCTAssertEqual(concealed.map(\.count), [160, 160])
        XCTAssertThrowsError(try transcoder.transcode([0x03, 0x00])) { error in
            guard case .corruptPayload = error as? CodecError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try transcoder.transcode(input[2]).count, 1, "the stream carries on")

        let g711 = try Transcoder(from: .pcmu, to: .g722)
        var filled: [[UInt8]] = []
        try g711.concealLoss { filled.append(Array($0)) }
        XCTAssertEqual(filled.map(\.count), [160])
    }
}
