import Codecs
import XCTest

/// SDP rtpmap and fmtp text into ``CodecDescription`` and back, and what the factory builds from
/// each: RFC 3551 clock rates (G.722 at 8000), RFC 7587's `opus/48000/2`, typed errors for the rest.
final class CodecDescriptionTests: XCTestCase {
    func testRtpmapsOfEveryCodec() throws {
        let cases: [(String, CodecDescription.Encoding, Int, Int, UInt8?)] = [
            ("PCMU/8000", .pcmu, 8000, 1, 0),
            ("pcma/8000", .pcma, 8000, 1, 8),
            ("G722/8000", .g722, 8000, 1, 9),
            ("G722/8000/1", .g722, 8000, 1, 9),
            ("opus/48000/2", .opus, 48_000, 2, nil),
            ("OPUS/48000", .opus, 48_000, 2, nil),
        ]
        for (text, encoding, clockRate, channels, payloadType) in cases {
            let description = try CodecDescription(rtpmap: text)
            XCTAssertEqual(description.encoding, encoding, text)
            XCTAssertEqual(description.clockRate, clockRate, text)
            XCTAssertEqual(description.channels, channels, text)
            XCTAssertEqual(description.encoding.staticPayloadType, payloadType, text)
        }
        XCTAssertEqual(CodecDescription.pcma.rtpmap, "PCMA/8000")
        XCTAssertEqual(CodecDescription.opus().rtpmap, "opus/48000/2")
    }

    func testWrongRatesChannelsAndNamesAreTypedErrors() {
        let cases: [(String, CodecError)] = [
            ("G722/16000", .invalidClockRate(codec: "G722", clockRate: 16_000)),
            ("opus/16000/1", .invalidClockRate(codec: "opus", clockRate: 16_000)),
            ("PCMU/8000/2", .invalidChannelCount(codec: "PCMU", channels: 2)),
            ("opus/48000/6", .invalidChannelCount(codec: "opus", channels: 6)),
            ("GSM/8000", .unsupportedCodec(name: "GSM")),
            ("PCMU", .unsupportedCodec(name: "PCMU")),
            ("/8000", .unsupportedCodec(name: "/8000")),
            ("PCMU/abc", .invalidClockRate(codec: "PCMU", clockRate: 0)),
            ("PCMU/99999999999999999999", .invalidClockRate(codec: "PCMU", clockRate: 0)),
            ("opus/48000/x", .invalidChannelCount(codec: "opus", channels: 0)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CodecDescription(rtpmap: text), text) { error in
                XCTAssertEqual(error as? CodecError, expected, text)
            }
        }
    }

    func testFmtpParsingIsTolerantAndSerialisesCanonically() {
        let parameters = FormatParameters(parsing: " useinbandfec=1;  Stereo = 0 ;;maxaveragebitrate=20000; 0-15 ;stereo=1")
        XCTAssertEqual(parameters["useinbandfec"], "1")
        XCTAssertEqual(parameters["STEREO"], "0", "names are case-insensitive; the first value wins")
        XCTAssertEqual(parameters["maxaveragebitrate"], "20000")
        XCTAssertEqual(parameters["0-15"], "", "a bare value such as telephone-event's is kept")
        XCTAssertEqual(parameters.description, "useinbandfec=1;stereo=0;maxaveragebitrate=20000;0-15")
        XCTAssertEqual(parameters, FormatParameters(parsing: "0-15;maxaveragebitrate=20000;stereo=0;useinbandfec=1"),
                       "order does not matter for equality")
        let flood = (0..<500).map { "p\($0)=\($0)" }.joined(separator: ";")
        XCTAssertEqual(FormatParameters(parsing: flood).pairs.count, FormatParameters.maximumPairs)
        XCTAssertTrue(FormatParameters(parsing: "").isEmpty)
        XCTAssertTrue(FormatParameters(parsing: " ; = ;").isEmpty)
    }

    func testOpusParametersReadWithRFCDefaults() throws {
        let defaults = try XCTUnwrap(try CodecDescription(rtpmap: "opus/48000/2").opusParameters())
        XCTAssertEqual(defaults, Opus.Parameters())
        XCTAssertEqual(defaults.maxPlaybackRate, 48_000)
        XCTAssertFalse(defaults.stereo || defaults.useInbandFEC || defaults.useDTX)
        let full = try XCTUnwrap(try CodecDescription(
            rtpmap: "opus/48000/2",
            fmtp: "maxplaybackrate=16000;sprop-maxcapturerate=16000;maxaveragebitrate=24000;stereo=1;"
                + "sprop-stereo=1;cbr=1;useinbandfec=1;usedtx=1;ptime=20;minptime=10;maxptime=60;x-unknown=7"
        ).opusParameters())
        XCTAssertEqual(full, Opus.Parameters(maxPlaybackRate: 16_000, spropMaxCaptureRate: 16_000,
                                             maxAverageBitrate: 24_000, stereo: true, spropStereo: true,
                                             constantBitrate: true, useInbandFEC: true, useDTX: true,
                                             ptime: 20, minptime: 10, maxptime: 60))
        XCTAssertNil(try CodecDescription.pcmu.opusParameters())
    }

    func testFactoryBuildsTheRightCodecs() throws {
        let factory = CodecFactory()
        var encoder = try factory.makeEncoder(for: .g722)
        XCTAssertTrue(encoder is G722.Encoder)
        XCTAssertEqual(encoder.rtpTimestampIncrement, 160)
        XCTAssertEqual(try encoder.encode(frame: [Int16](repeating: 0, count: 320)).count, 160)
        XCTAssertTrue(try factory.makeEncoder(for: .pcma) is G711)
        XCTAssertTrue(try factory.makeDecoder(for: .pcmu) is LossConcealer<G711>)
        XCTAssertTrue(try factory.makeDecoder(for: .g722) is LossConcealer<G722.Decoder>)
        XCTAssertTrue(try CodecFactory(concealsLoss: false).makeDecoder(for: .pcmu) is G711)
        let opusDecoder = try factory.makeDecoder(for: .opus(), sampleRate: 16_000)
        XCTAssertEqual(opusDecoder.sampleRate, 16_000)
        XCTAssertEqual(opusDecoder.rtpClockRate, 48_000)
        XCTAssertThrowsError(try factory.makeEncoder(for: .pcmu, sampleRate: 16_000)) { error in
            XCTAssertEqual(error as? CodecError, .unsupportedSampleRate(codec: "PCMU", sampleRate: 16_000))
        }
        XCTAssertThrowsError(try factory.makeDecoder(for: .g722, channels: 2))
        XCTAssertThrowsError(try factory.makeEncoder(for: .opus(), frameDuration: 25))
    }

    func testG711ConformsWithSilenceAndTheConcealerFillsALossWithTheTone() throws {
        var plain: any AudioDecoder = G711.pcmu
        XCTAssertEqual(plain.channels, 1)
        XCTAssertTrue(try plain.concealLoss() == [Int16](repeating: 0, count: 160))
        let tone = AudioTestSignals.tone(500, rate: 8000, count: 1600)
        let concealing = try LossConcealer(G711.pcmu)
        var decoded: [Int16] = []
        for start in stride(from: 0, to: 1600, by: 160) {
            let packet = G711.pcmu.encode(Array(tone[start..<(start + 160)]))
            try packet.withUnsafeBytes { try concealing.decode($0, into: &decoded) }
        }
        XCTAssertTrue(decoded == G711.pcmu.decode(G711.pcmu.encode(tone)),
                      "with no loss the concealer passes audio through untouched")
        let filled = try concealing.concealLoss()
        XCTAssertEqual(filled.count, 160)
        XCTAssertEqual(AudioTestSignals.dominantFrequency(filled[0..<80], rate: 8000, in: 300...700, step: 5),
                       500, accuracy: 25)
        XCTAssertGreaterThan(AudioTestSignals.rms(filled[0..<80]), 0.5 * AudioTestSignals.rms(tone[...]))
        XCTAssertThrowsError(try LossConcealer(try Opus.Decoder(channels: 2))) { error in
            XCTAssertEqual(error as? CodecError, .invalidChannelCount(codec: "opus", channels: 2))
        }
    }
}
