import Codecs
import Foundation
import XCTest

/// ITU-T G.711 µ-law and A-law against the standard's own tables, plus the properties a codec
/// must have: idempotent re-encoding, monotonic, bounded error, identical scalar and bulk paths.
final class G711Tests: XCTestCase {
    // MARK: - Oracles built from the standard's tables, not from the implementation

    /// G.711 Table 2 (µ-law): the first decoder output of each segment and the step inside it,
    /// in 14-bit units (full scale 8159). The 16-bit value is 4 times that.
    private static let muLawSegmentStart = [0, 33, 99, 231, 495, 1023, 2079, 4191]
    private static let muLawSegmentStep = [2, 4, 8, 16, 32, 64, 128, 256]
    /// G.711 Table 1 (A-law): the same in 13-bit units (full scale 4096); 16-bit is 8 times that.
    private static let aLawSegmentStart = [1, 33, 66, 132, 264, 528, 1056, 2112]
    private static let aLawSegmentStep = [2, 2, 4, 8, 16, 32, 64, 128]

    /// µ-law characters are transmitted with every bit inverted; bit 7 set means positive.
    private static func muLawReference(_ code: UInt8) -> (value: Int, step: Int) {
        let bits = Int(~code)
        let segment = (bits >> 4) & 7
        let value = 4 * (muLawSegmentStart[segment] + muLawSegmentStep[segment] * (bits & 0x0F))
        return (bits & 0x80 != 0 ? -value : value, 4 * muLawSegmentStep[segment])
    }

    /// A-law characters are transmitted with the even bits inverted (XOR 0x55); bit 7 set means
    /// positive.
    private static func aLawReference(_ code: UInt8) -> (value: Int, step: Int) {
        let bits = Int(code ^ 0x55)
        let segment = (bits >> 4) & 7
        let value = 8 * (aLawSegmentStart[segment] + aLawSegmentStep[segment] * (bits & 0x0F))
        return (bits & 0x80 != 0 ? value : -value, 8 * aLawSegmentStep[segment])
    }

    // MARK: - Decoding

    func testKnownValuesFromTheStandard() {
        // µ-law: full scale ±8031 × 4, positive zero 0xFF, negative zero 0x7F, smallest step ±8.
        let mu: [(UInt8, Int16)] = [
            (0x00, -32124), (0x80, 32124), (0xFF, 0), (0x7F, 0), (0xFE, 8), (0x7E, -8),
            (0xF0, 120), (0xEF, 132), (0xDF, 396), (0x8F, 16764), (0x70, -120),
        ]
        for (code, value) in mu {
            XCTAssertEqual(G711.decodeMuLaw(code), value, "µ-law 0x\(String(code, radix: 16))")
        }
        // A-law: full scale ±4032 × 8, no zero (±8), 0xD5/0x55 the idle pattern.
        let a: [(UInt8, Int16)] = [
            (0xD5, 8), (0x55, -8), (0xAA, 32256), (0x2A, -32256), (0xD4, 24), (0xC5, 264),
            (0xF5, 528), (0xE5, 1056), (0xA5, 16896), (0x54, -24),
        ]
        for (code, value) in a {
            XCTAssertEqual(G711.decodeALaw(code), value, "A-law 0x\(String(code, radix: 16))")
        }
    }

    func testAllCodesDecodeToTheStandardTables() {
        for code in UInt8.min...UInt8.max {
            XCTAssertEqual(Int(G711.decodeMuLaw(code)), Self.muLawReference(code).value, "µ-law \(code)")
            XCTAssertEqual(Int(G711.decodeALaw(code)), Self.aLawReference(code).value, "A-law \(code)")
        }
    }

    func testDecodedValuesAreDistinctApartFromMuLawsTwoZeros() {
        let mu = Set((UInt8.min...UInt8.max).map(G711.decodeMuLaw))
        let a = Set((UInt8.min...UInt8.max).map(G711.decodeALaw))
        XCTAssertEqual(mu.count, 255)
        XCTAssertEqual(a.count, 256)
    }

    // MARK: - Encoding

    func testEveryCodeReencodesToItself() {
        for code in UInt8.min...UInt8.max {
            let expectedMu: UInt8 = code == 0x7F ? 0xFF : code  // negative zero re-encodes as positive zero
            XCTAssertEqual(G711.encodeMuLaw(G711.decodeMuLaw(code)), expectedMu, "µ-law \(code)")
            XCTAssertEqual(G711.encodeALaw(G711.decodeALaw(code)), code, "A-law \(code)")
        }
        XCTAssertEqual(G711.encodeMuLaw(G711.decodeMuLaw(0x7F)), 0xFF)
    }

    func testEncodeIsMonotonicOverTheWholeRange() {
        var previousMu = Int.min
        var previousA = Int.min
        for sample in Int16.min...Int16.max {
            let mu = Int(G711.decodeMuLaw(G711.encodeMuLaw(sample)))
            let a = Int(G711.decodeALaw(G711.encodeALaw(sample)))
            XCTAssertGreaterThanOrEqual(mu, previousMu, "µ-law at \(sample)")
            XCTAssertGreaterThanOrEqual(a, previousA, "A-law at \(sample)")
            previousMu = mu
            previousA = a
        }
        XCTAssertEqual(G711.encodeMuLaw(.min), 0x00)
        XCTAssertEqual(G711.encodeMuLaw(.max), 0x80)
        XCTAssertEqual(G711.encodeALaw(.min), 0x2A)
        XCTAssertEqual(G711.encodeALaw(.max), 0xAA)
    }

    /// Each sample decodes to the centre of its interval, so the error is at most half a step;
    /// µ-law's top code sits below full scale, so samples past its last decision level (8159 in
    /// 14-bit units) may be off by up to one step.
    func testQuantisationErrorStaysWithinTheSegmentStep() {
        let muLawTopDecision = 4 * 8159
        var worstMu = 0
        var worstA = 0
        for sample in Int16.min...Int16.max {
            let x = Int(sample)
            let muCode = G711.encodeMuLaw(sample)
            let mu = Self.muLawReference(muCode)
            let muError = abs(Int(G711.decodeMuLaw(muCode)) - x)
            XCTAssertLessThanOrEqual(muError, mu.step, "µ-law at \(x)")
            if abs(x) < muLawTopDecision {
                XCTAssertLessThanOrEqual(muError, mu.step / 2, "µ-law at \(x)")
            }
            let aCode = G711.encodeALaw(sample)
            let aError = abs(Int(G711.decodeALaw(aCode)) - x)
            XCTAssertLessThanOrEqual(aError, Self.aLawReference(aCode).step / 2, "A-law at \(x)")
            worstMu = max(worstMu, muError)
            worstA = max(worstA, aError)
        }
        XCTAssertEqual(worstA, 512, "A-law's worst case is half of the top step")
        XCTAssertGreaterThan(worstMu, 512, "µ-law clips above 32124")
    }

    func testSignIsSymmetricUnderOnesComplement() {
        for sample in Int16(0)...Int16.max {
            XCTAssertEqual(G711.encodeMuLaw(~sample), G711.encodeMuLaw(sample) & 0x7F, "µ-law \(sample)")
            XCTAssertEqual(G711.encodeALaw(~sample), G711.encodeALaw(sample) ^ 0x80, "A-law \(sample)")
        }
        XCTAssertEqual(G711.encodeMuLaw(-1), 0x7F, "tiny negatives are µ-law negative zero")
        XCTAssertEqual(G711.encodeMuLaw(0), 0xFF)
        XCTAssertEqual(G711.encodeALaw(-1), 0x55)
        XCTAssertEqual(G711.encodeALaw(0), 0xD5)
    }

    // MARK: - Bulk paths

    func testBulkEncodeMatchesScalarForEverySample() {
        let all = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        XCTAssertEqual(G711.pcmu.encode(all), all.map(G711.encodeMuLaw))
        XCTAssertEqual(G711.pcma.encode(all), all.map(G711.encodeALaw))
    }

    func testBulkDecodeMatchesScalarForEveryCode() {
        let codes = Array(UInt8.min...UInt8.max)
        XCTAssertEqual(G711.pcmu.decode(codes), codes.map(G711.decodeMuLaw))
        XCTAssertEqual(G711.pcma.decode(codes), codes.map(G711.decodeALaw))
    }

    func testAppendingVariantsKeepExistingContents() {
        let codec = G711(law: .mu)
        let pcm: [Int16] = [0, 1000, -1000, 32767]
        var bytes: [UInt8] = [0xAB]
        pcm.withUnsafeBufferPointer { codec.encode($0, into: &bytes) }
        XCTAssertEqual(bytes, [0xAB] + pcm.map(G711.encodeMuLaw))

        var samples: [Int16] = [42]
        bytes.withUnsafeBytes { codec.decode(UnsafeRawBufferPointer(rebasing: $0.dropFirst()), into: &samples) }
        XCTAssertEqual(samples, [42] + pcm.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) })

        var untouched: [UInt8] = [1, 2]
        [Int16]().withUnsafeBufferPointer { codec.encode($0, into: &untouched) }
        XCTAssertEqual(untouched, [1, 2])
        var untouchedSamples: [Int16] = [3]
        [UInt8]().withUnsafeBytes { codec.decode($0, into: &untouchedSamples) }
        XCTAssertEqual(untouchedSamples, [3])
    }

    func testBufferVariantsWriteExactlyTheFrameAndNoMore() {
        let codec = G711(law: .a)
        let pcm: [Int16] = (0..<160).map { Int16(truncatingIfNeeded: $0 &* 409 &- 32000) }
        var bytes = [UInt8](repeating: 0xEE, count: 170)
        let encoded = pcm.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { codec.encode(source, into: $0) }
        }
        XCTAssertEqual(encoded, 160)
        XCTAssertEqual(Array(bytes[..<160]), pcm.map(G711.encodeALaw))
        XCTAssertEqual(Array(bytes[160...]), [UInt8](repeating: 0xEE, count: 10))

        var samples = [Int16](repeating: 7, count: 170)
        let decoded = bytes.withUnsafeBytes { payload in
            samples.withUnsafeMutableBufferPointer {
                codec.decode(UnsafeRawBufferPointer(rebasing: payload[..<160]), into: $0)
            }
        }
        XCTAssertEqual(decoded, 160)
        XCTAssertEqual(Array(samples[..<160]), bytes[..<160].map(G711.decodeALaw))
        XCTAssertEqual(Array(samples[160...]), [Int16](repeating: 7, count: 10))
    }

    func testBufferVariantsNeverWritePastASmallDestination() {
        let pcm = [Int16](repeating: 1000, count: 160)
        var small = [UInt8](repeating: 0, count: 100)
        let written = pcm.withUnsafeBufferPointer { source in
            small.withUnsafeMutableBufferPointer { G711.pcmu.encode(source, into: UnsafeMutableBufferPointer(rebasing: $0[..<40])) }
        }
        XCTAssertEqual(written, 40)
        XCTAssertEqual(small[..<40].filter { $0 == G711.encodeMuLaw(1000) }.count, 40)
        XCTAssertEqual(small[40...].filter { $0 != 0 }.count, 0)

        var fewSamples = [Int16](repeating: 0, count: 8)
        let decoded = [UInt8](repeating: 0xAA, count: 160).withUnsafeBytes { payload in
            fewSamples.withUnsafeMutableBufferPointer { G711.pcma.decode(payload, into: $0) }
        }
        XCTAssertEqual(decoded, 8)
        XCTAssertEqual(fewSamples, [Int16](repeating: 32256, count: 8))
    }

    // MARK: - Codec description and audio quality

    func testCodecDescriptions() {
        XCTAssertEqual(G711.pcmu.name, "PCMU")
        XCTAssertEqual(G711.pcma.name, "PCMA")
        XCTAssertEqual(G711.pcmu.staticPayloadType, 0)
        XCTAssertEqual(G711.pcma.staticPayloadType, 8)
        for codec in [G711.pcmu, G711.pcma] {
            XCTAssertEqual(codec.sampleRate, 8000)
            XCTAssertEqual(codec.rtpClockRate, 8000)
            XCTAssertEqual(codec.sampleCount(milliseconds: 20), 160)
        }
        let erased: any AudioCodec = G711(law: .a)
        XCTAssertEqual(erased.name, "PCMA")
    }

    /// A 1 kHz tone at -10 dBFS through each law keeps roughly 38 dB SNR (G.711 is specified
    /// well above 30 dB over this range); a broken segment or sign shows up as a collapse.
    func testToneSurvivesWithTelephoneQualitySNR() {
        let amplitude = 32767 * pow(10, -10.0 / 20)
        let tone: [Int16] = (0..<8000).map { Int16(amplitude * sin(2 * Double.pi * 1000 * Double($0) / 8000 + 0.3)) }
        for codec in [G711.pcmu, G711.pcma] {
            let decoded = codec.decode(codec.encode(tone))
            XCTAssertEqual(decoded.count, tone.count)
            var signal = 0.0
            var noise = 0.0
            for (original, coded) in zip(tone, decoded) {
                signal += Double(original) * Double(original)
                noise += (Double(coded) - Double(original)) * (Double(coded) - Double(original))
            }
            let snr = 10 * log10(signal / noise)
            XCTAssertGreaterThan(snr, 33, "\(codec.name) SNR \(snr) dB")
            XCTAssertLessThan(snr, 45, "\(codec.name) SNR \(snr) dB is implausibly high for 8-bit G.711")
        }
    }
}
