import Codecs
import XCTest

/// How an SDP description (RFC 7587 §6–7) becomes Opus encoders and decoders: stereo only when
/// the receiver asks, bitrate caps, FEC and DTX only when both sides want them, bandwidth limits.
final class OpusNegotiationTests: XCTestCase {
    private typealias Signals = AudioTestSignals

    private func opus(_ fmtp: String?) throws -> CodecDescription {
        try CodecDescription(rtpmap: "opus/48000/2", fmtp: fmtp)
    }

    func testStereoIsSentOnlyWhenTheReceiverAsksAndWeCapture() throws {
        let stereoFactory = CodecFactory(captureChannels: 2)
        let monoFactory = CodecFactory(captureChannels: 1)
        XCTAssertEqual(try stereoFactory.makeEncoder(for: opus("stereo=1; sprop-stereo=1")).channels, 2)
        XCTAssertEqual(try stereoFactory.makeEncoder(for: opus("stereo=0")).channels, 1)
        XCTAssertEqual(try stereoFactory.makeEncoder(for: opus(nil)).channels, 1, "RFC 7587: stereo defaults to 0")
        XCTAssertEqual(try monoFactory.makeEncoder(for: opus("stereo=1")).channels, 1)
        XCTAssertEqual(try stereoFactory.makeEncoder(for: opus("stereo=1")).rtpClockRate, 48_000)
    }

    func testStereoPacketKeepsItsChannelsApartAndMixesForAMonoDecoder() throws {
        // At 96 kbit/s libopus keeps the channels apart (measured leakage 2e-5); at 32–64 kbit/s it
        // codes voice as near-mono (leakage 0.2–1.0), so stereo calls want a higher bitrate.
        let factory = CodecFactory(opus: Opus.Configuration(bitrate: 96_000), captureChannels: 2)
        var encoder = try factory.makeEncoder(for: opus("stereo=1"))
        var stereoDecoder = try CodecFactory().makeDecoder(for: opus(nil), sampleRate: 48_000, channels: 2)
        var monoDecoder = try CodecFactory().makeDecoder(for: opus(nil), sampleRate: 48_000, channels: 1)
        let left = Signals.tone(440, rate: 48_000, count: 24_000)
        let right = Signals.tone(1000, rate: 48_000, count: 24_000)
        let stereo = Signals.interleave(left, right)
        var decodedStereo: [Int16] = []
        var decodedMono: [Int16] = []
        var channelsSeen: Set<Int> = []
        for start in stride(from: 0, to: stereo.count, by: 1920) {
            let packet = try encoder.encode(frame: Array(stereo[start..<(start + 1920)]))
            channelsSeen.insert(try Opus.PacketInfo(parsing: packet).channels)
            try packet.withUnsafeBytes {
                try stereoDecoder.decode($0, into: &decodedStereo)
                try monoDecoder.decode($0, into: &decodedMono)
            }
        }
        XCTAssertEqual(channelsSeen, [2])
        XCTAssertEqual(decodedStereo.count, stereo.count)
        XCTAssertEqual(decodedMono.count, left.count)
        let decodedLeft = Signals.channel(decodedStereo, 0, of: 2)[4800...]
        let decodedRight = Signals.channel(decodedStereo, 1, of: 2)[4800...]
        XCTAssertEqual(Signals.dominantFrequency(decodedLeft, rate: 48_000, in: 300...1200), 440, accuracy: 2)
        XCTAssertEqual(Signals.dominantFrequency(decodedRight, rate: 48_000, in: 300...1200), 1000, accuracy: 2)
        // Channel separation: the left channel's 1 kHz content stays far below its 440 Hz tone.
        let leakage = Signals.goertzel(decodedLeft, frequency: 1000, rate: 48_000)
            / Signals.goertzel(decodedLeft, frequency: 440, rate: 48_000)
        XCTAssertLessThan(leakage, 0.01)
        // The mono decoder hears both tones.
        let mono = decodedMono[4800...]
        XCTAssertGreaterThan(Signals.goertzel(mono, frequency: 440, rate: 48_000), 1e5)
        XCTAssertGreaterThan(Signals.goertzel(mono, frequency: 1000, rate: 48_000), 1e5)
    }

    func testReceiverParametersShapeTheEncoder() throws {
        let base = Opus.Configuration(bitrate: 32_000, inbandFEC: true, dtx: true)
        let factory = CodecFactory(opus: base)
        let capped = try XCTUnwrap(factory.makeEncoder(
            for: opus("maxaveragebitrate=12000; useinbandfec=1; usedtx=1; maxplaybackrate=16000")) as? Opus.Encoder)
        XCTAssertEqual(capped.configuration.bitrate, 12_000)
        XCTAssertEqual(capped.bitrate, 12_000, "libopus was told the capped rate")
        XCTAssertTrue(capped.configuration.inbandFEC)
        XCTAssertTrue(capped.configuration.dtx)
        XCTAssertEqual(capped.configuration.maxBandwidth, .wideband)
        let packet = try capped.encode(frame: Signals.tone(5000, rate: 48_000, count: 960, amplitude: 1000)
            .enumerated().map { $0.element &+ Int16(truncatingIfNeeded: ($0.offset * 7919) % 2000 - 1000) })
        XCTAssertLessThanOrEqual(try Opus.PacketInfo(parsing: packet).bandwidth, .wideband,
                                 "a 16 kHz player gets no more than wideband")

        let plain = try XCTUnwrap(factory.makeEncoder(for: opus(nil)) as? Opus.Encoder)
        XCTAssertEqual(plain.configuration.bitrate, 32_000)
        XCTAssertFalse(plain.configuration.inbandFEC, "FEC only when the receiver says useinbandfec=1")
        XCTAssertFalse(plain.configuration.dtx, "DTX only when the receiver says usedtx=1")
        XCTAssertEqual(plain.configuration.maxBandwidth, .fullband)
    }

    func testOurReceiveParametersRoundTripThroughFmtp() throws {
        let parameters = CodecFactory(opus: Opus.Configuration(dtx: true)).opusReceiveParameters()
        let description = CodecDescription.opus(parameters)
        XCTAssertEqual(description.rtpmap, "opus/48000/2")
        XCTAssertEqual(description.parameters.description, "minptime=10;useinbandfec=1;usedtx=1")
        let reparsed = try CodecDescription(rtpmap: description.rtpmap, fmtp: description.parameters.description)
        XCTAssertEqual(try reparsed.opusParameters(), parameters)
    }

    func testOutOfRangeOpusParametersAreRefused() {
        for fmtp in ["stereo=2", "maxaveragebitrate=1000", "maxplaybackrate=96000", "useinbandfec=yes",
                     "maxaveragebitrate=99999999999999999999"] {
            XCTAssertThrowsError(try opus(fmtp), fmtp) { error in
                guard case .invalidFormatParameter = error as? CodecError else {
                    return XCTFail("\(fmtp): \(error)")
                }
            }
        }
    }
}
