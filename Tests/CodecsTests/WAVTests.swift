import Foundation
import XCTest

@testable import Codecs

final class WAVTests: XCTestCase {
    // MARK: - Fixture builders (little-endian, chunk by chunk)

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    private func chunk(_ id: String, _ body: [UInt8], declaredSize: UInt32? = nil, pad: Bool = true) -> [UInt8] {
        var bytes = Array(id.utf8) + le32(declaredSize ?? UInt32(body.count)) + body
        if pad && body.count % 2 == 1 { bytes.append(0) }
        return bytes
    }

    private func fmtBody(tag: UInt16, channels: UInt16, rate: UInt32, bits: UInt16) -> [UInt8] {
        let align = channels * (bits / 8)
        return le16(tag) + le16(channels) + le32(rate) + le32(rate &* UInt32(align)) + le16(align) + le16(bits)
    }

    private func riff(_ chunks: [[UInt8]], magic: String = "RIFF", form: String = "WAVE") -> [UInt8] {
        let body = chunks.flatMap { $0 }
        return Array(magic.utf8) + le32(UInt32(4 + body.count)) + Array(form.utf8) + body
    }

    private func parse(_ bytes: [UInt8]) -> Result<WAVFile, WAVError> {
        do throws(WAVError) { return .success(try WAVFile(parsing: bytes)) } catch { return .failure(error) }
    }

    // MARK: - Header and round trips

    func testCanonicalHeaderBytes() {
        // 8 kHz mono 16-bit PCM, 6 data bytes: every field annotated.
        let expected: [UInt8] = [
            0x52, 0x49, 0x46, 0x46,  // "RIFF"
            0x2A, 0x00, 0x00, 0x00,  // RIFF size 36 + 6 = 42
            0x57, 0x41, 0x56, 0x45,  // "WAVE"
            0x66, 0x6D, 0x74, 0x20,  // "fmt "
            0x10, 0x00, 0x00, 0x00,  // fmt size 16
            0x01, 0x00,              // tag 1 = PCM
            0x01, 0x00,              // 1 channel
            0x40, 0x1F, 0x00, 0x00,  // 8000 Hz
            0x80, 0x3E, 0x00, 0x00,  // byte rate 16000
            0x02, 0x00,              // block align 2
            0x10, 0x00,              // 16 bits
            0x64, 0x61, 0x74, 0x61,  // "data"
            0x06, 0x00, 0x00, 0x00,  // data size 6
        ]
        XCTAssertEqual(WAVFile.header(format: .pcm16, sampleRate: 8000, channels: 1, dataLength: 6), expected)
    }

    func testHeaderForG711AndHugeLengths() {
        let mu = WAVFile.header(format: .muLaw, sampleRate: 8000, channels: 2, dataLength: 100)
        XCTAssertEqual(mu.count, 44)
        XCTAssertEqual(Array(mu[20..<22]), le16(7))
        XCTAssertEqual(Array(mu[28..<32]), le32(16000))  // 8000 frames * 2 channels * 1 byte
        XCTAssertEqual(Array(mu[32..<36]), le16(2) + le16(8))
        let alaw = WAVFile.header(format: .aLaw, sampleRate: 8000, channels: 1, dataLength: 0)
        XCTAssertEqual(Array(alaw[20..<22]), le16(6))
        XCTAssertEqual(Array(alaw[4..<8]), le32(36))
        let huge = WAVFile.header(format: .pcm16, sampleRate: 16000, channels: 1, dataLength: Int(UInt32.max) + 10)
        XCTAssertEqual(Array(huge[4..<8]), le32(.max))
        XCTAssertEqual(Array(huge[40..<44]), le32(.max))
        let negative = WAVFile.header(format: .pcm16, sampleRate: 16000, channels: 1, dataLength: -5)
        XCTAssertEqual(Array(negative[40..<44]), le32(0))
    }

    func testPCMRoundTripKeepsEverySample() throws {
        let samples: [Int16] = [0, 1, -1, .max, .min, 12345, -12345, 256, -256]
        let wav = WAVFile.pcm16(samples: samples, sampleRate: 16000, channels: 1)
        let bytes = wav.serialized()
        XCTAssertEqual(bytes.count, 44 + samples.count * 2)
        XCTAssertEqual(Array(bytes[44..<48]), [0x00, 0x00, 0x01, 0x00])
        XCTAssertEqual(Array(bytes[50..<54]), [0xFF, 0x7F, 0x00, 0x80])  // .max, .min little-endian
        let back = try WAVFile(parsing: bytes)
        XCTAssertEqual(back, wav)
        XCTAssertEqual(back.pcm16Samples, samples)
        XCTAssertEqual(back.frameCount, samples.count)
    }

    func testStereoAndG711RoundTrips() throws {
        let stereo = WAVFile.pcm16(samples: [1, -1, 2, -2, 3, -3], sampleRate: 48000, channels: 2)
        XCTAssertEqual(try WAVFile(parsing: stereo.serialized()), stereo)
        XCTAssertEqual(stereo.frameCount, 3)
        XCTAssertEqual(stereo.duration, 3.0 / 48000.0, accuracy: 1e-12)

        let odd = WAVFile(format: .muLaw, sampleRate: 8000, channels: 1, data: [0xFF, 0x7F, 0x00])
        let bytes = odd.serialized()
        XCTAssertEqual(bytes.count, 44 + 3 + 1, "odd data gets a pad byte")
        XCTAssertEqual(Array(bytes[4..<8]), le32(40))
        let back = try WAVFile(parsing: bytes)
        XCTAssertEqual(back, odd)
        XCTAssertNil(back.pcm16Samples)

        let alaw = WAVFile(format: .aLaw, sampleRate: 8000, channels: 1, data: Array(0...255))
        XCTAssertEqual(try WAVFile(parsing: alaw.serialized()), alaw)
    }

    func testReadsFileFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wavtest-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        let wav = WAVFile.pcm16(samples: (0..<800).map { Int16($0 * 40 - 16000) }, sampleRate: 8000)
        try Data(wav.serialized()).write(to: url)
        XCTAssertEqual(try WAVFile(contentsOf: url), wav)
        let missing = url.appendingPathExtension("missing")
        XCTAssertThrowsError(try WAVFile(contentsOf: missing)) { error in
            guard case .unreadableFile(let path, _)? = error as? WAVError else {
                return XCTFail("expected unreadableFile, got \(error)")
            }
            XCTAssertEqual(path, missing.path)
        }
    }

    // MARK: - Lenient parsing of real-world layouts

    func testSkipsUnknownChunksAndOddPadding() throws {
        let bytes = riff([
            chunk("LIST", Array("INFOISFT\u{3}\0\0\0sox".utf8)),   // 15-byte body: padded
            chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16)),
            chunk("fact", le32(3)),
            chunk("odd ", [1, 2, 3]),
            chunk("data", [0x10, 0x00, 0x20, 0x00, 0x30, 0x00]),
            chunk("LIST", Array("trailer".utf8)),
        ])
        let wav = try WAVFile(parsing: bytes)
        XCTAssertEqual(wav.pcm16Samples, [16, 32, 48])
        XCTAssertEqual(wav.sampleRate, 8000)
    }

    func testFormatChunkAfterDataChunk() throws {
        let bytes = riff([chunk("data", [7, 7, 7]), chunk("fmt ", fmtBody(tag: 7, channels: 1, rate: 8000, bits: 8))])
        let wav = try WAVFile(parsing: bytes)
        XCTAssertEqual(wav.format, .muLaw)
        XCTAssertEqual(wav.data, [7, 7, 7])
    }

    func testExtensibleFormatAndFormatEx() throws {
        // WAVEFORMATEXTENSIBLE: base fields with tag 0xFFFE, cbSize 22, valid bits, channel mask, GUID.
        let guid: [UInt8] = le16(1) + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        let extensible = fmtBody(tag: 0xFFFE, channels: 2, rate: 16000, bits: 16) + le16(22) + le16(16) + le32(3) + guid
        let wav = try WAVFile(parsing: riff([chunk("fmt ", extensible), chunk("data", [1, 0, 2, 0, 3, 0, 4, 0])]))
        XCTAssertEqual(wav.format, .pcm16)
        XCTAssertEqual(wav.channels, 2)
        XCTAssertEqual(wav.pcm16Samples, [1, 2, 3, 4])

        // WAVEFORMATEX with cbSize 0 (18-byte fmt, as sox writes for G.711).
        let formatEx = fmtBody(tag: 6, channels: 1, rate: 8000, bits: 8) + le16(0)
        let alaw = try WAVFile(parsing: riff([chunk("fmt ", formatEx), chunk("fact", le32(2)), chunk("data", [0xD5, 0x55])]))
        XCTAssertEqual(alaw.format, .aLaw)
        XCTAssertEqual(alaw.data, [0xD5, 0x55])
    }

    func testStreamedAndTruncatedDataTakesWhatIsThere() throws {
        let fmt = chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
        let samples: [UInt8] = [1, 0, 2, 0, 3, 0, 4, 0]
        for declared: UInt32 in [0, 0xFFFF_FFFF, 1_000_000, 9] {
            let bytes = riff([fmt, chunk("data", samples, declaredSize: declared, pad: false)])
            let wav = try WAVFile(parsing: bytes)
            XCTAssertEqual(wav.pcm16Samples, [1, 2, 3, 4], "declared data size \(declared)")
        }
        // A recording cut in the middle of a sample keeps only whole frames.
        let cut = riff([fmt, chunk("data", samples + [9], declaredSize: 0, pad: false)])
        XCTAssertEqual(try WAVFile(parsing: cut).pcm16Samples, [1, 2, 3, 4])
        // RF64 writers put 0xFFFFFFFF in the RIFF and data sizes.
        let rf64 = riff([chunk("ds64", [UInt8](repeating: 0, count: 28)), fmt,
                         chunk("data", samples, declaredSize: 0xFFFF_FFFF)], magic: "RF64")
        XCTAssertEqual(try WAVFile(parsing: rf64).pcm16Samples, [1, 2, 3, 4])
        // The 44-byte header a streaming recorder writes first, with nothing after it yet.
        let empty = WAVFile.header(format: .pcm16, sampleRate: 8000, channels: 1, dataLength: 0)
        XCTAssertEqual(try WAVFile(parsing: empty).data, [])
    }

    // MARK: - Malformed inputs

    func testMalformedInputsGiveTypedErrors() {
        let goodFmt = chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 8000, bits: 16))
        let data = chunk("data", [0, 0])
        let cases: [(String, [UInt8], WAVError)] = [
            ("empty", [], .tooShort(length: 0)),
            ("eleven bytes", Array("RIFF\0\0\0\0WAV".utf8), .tooShort(length: 11)),
            ("not RIFF", riff([goodFmt, data], magic: "RIFX"), .notRIFF(magic: Array("RIFX".utf8))),
            ("not WAVE", riff([goodFmt, data], form: "AVI "), .notWAVE(formType: Array("AVI ".utf8))),
            ("no chunks", riff([]), .missingFormatChunk),
            ("no fmt", riff([data]), .missingFormatChunk),
            ("no data", riff([goodFmt]), .missingDataChunk),
            ("fmt too short", riff([chunk("fmt ", [1, 0, 1, 0]), data]), .formatChunkTooShort(size: 4)),
            ("fmt beyond end", riff([chunk("fmt ", [1, 0], declaredSize: 16)]), .formatChunkTooShort(size: 2)),
            ("float PCM", riff([chunk("fmt ", fmtBody(tag: 3, channels: 1, rate: 8000, bits: 32)), data]),
             .unsupportedFormat(formatTag: 3, bitsPerSample: 32)),
            ("8-bit PCM", riff([chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 8000, bits: 8)), data]),
             .unsupportedFormat(formatTag: 1, bitsPerSample: 8)),
            ("16-bit mu-law", riff([chunk("fmt ", fmtBody(tag: 7, channels: 1, rate: 8000, bits: 16)), data]),
             .unsupportedFormat(formatTag: 7, bitsPerSample: 16)),
            ("short extensible", riff([chunk("fmt ", fmtBody(tag: 0xFFFE, channels: 1, rate: 8000, bits: 16)), data]),
             .unsupportedFormat(formatTag: 0xFFFE, bitsPerSample: 16)),
            ("zero channels", riff([chunk("fmt ", fmtBody(tag: 1, channels: 0, rate: 8000, bits: 16)), data]),
             .invalidChannelCount(0)),
            ("1000 channels", riff([chunk("fmt ", fmtBody(tag: 1, channels: 1000, rate: 8000, bits: 16)), data]),
             .invalidChannelCount(1000)),
            ("zero rate", riff([chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 0, bits: 16)), data]),
             .invalidSampleRate(0)),
            ("absurd rate", riff([chunk("fmt ", fmtBody(tag: 1, channels: 1, rate: 0xFFFF_FFFF, bits: 16)), data]),
             .invalidSampleRate(Int(UInt32.max))),
        ]
        for (name, bytes, expected) in cases {
            switch parse(bytes) {
            case .success(let wav): XCTFail("\(name): parsed as \(wav.format) \(wav.sampleRate) Hz")
            case .failure(let error):
                XCTAssertEqual(error, expected, name)
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
    }

    func testErrorDescriptionsNameTheOffendingBytes() {
        XCTAssertTrue(WAVError.notRIFF(magic: Array("OggS".utf8)).description.contains("\"OggS\""))
        XCTAssertTrue(WAVError.notRIFF(magic: [0, 1, 0xAB, 0xFF]).description.contains("00 01 ab ff"))
        XCTAssertTrue(WAVError.unsupportedFormat(formatTag: 0x55, bitsPerSample: 0).description.contains("0x55"))
    }
}
