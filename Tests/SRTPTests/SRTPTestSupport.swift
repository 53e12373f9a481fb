import RTP
@testable import SRTP
import XCTest

/// Bytes from annotated hex: whitespace is ignored and `#` starts a comment running to the end
/// of the line. Any other non-hex character is a mistake in the fixture and yields `[]`, which
/// makes the test using it fail loudly.
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var pending: UInt8?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let data = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for character in data where !character.isWhitespace {
            guard let nibble = character.hexDigitValue else { return [] }
            if let high = pending {
                bytes.append(high << 4 | UInt8(nibble))
                pending = nil
            } else {
                pending = UInt8(nibble)
            }
        }
    }
    return pending == nil ? bytes : []
}

/// A small deterministic PRNG (SplitMix64) so fuzz tests replay exactly and test keys are fixed.
/// Never a key source outside tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A 20 ms G.711 packet (160 payload bytes, 172 on the wire) whose payload depends on `sequence`.
func voicePacket(_ sequence: UInt16, ssrc: UInt32 = 0xCAFE_BABE, payloadSize: Int = 160) -> [UInt8] {
    RTPPacket(
        payloadType: 0,
        sequenceNumber: sequence,
        timestamp: UInt32(sequence) &* 160,
        ssrc: ssrc,
        payload: (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 &+ Int(sequence)) }
    ).serialized()
}

/// A minimal RTCP receiver report (RFC 3550 §6.4.2) with one report block, 32 bytes.
func receiverReport(ssrc: UInt32 = 0xCAFE_BABE) -> [UInt8] {
    var bytes = hex("81 C9 0007") + bigEndian(ssrc)
    bytes += hex("DEADBEEF 05 000002 00010203 00000010 11223344 00000100")
    return bytes
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// A fixed key for `suite`, drawn from a seeded generator.
func testKey(_ suite: SRTPSuite, seed: UInt64 = 1) -> SRTPMasterKey {
    var generator = SeededGenerator(seed: seed)
    return SRTPMasterKey.random(for: suite, using: &generator)
}

/// A sender and a receiver sharing `key`.
func contextPair(_ key: SRTPMasterKey, window: Int = SRTPContext.defaultReplayWindow) throws -> (SRTPContext, SRTPContext) {
    (try SRTPContext(.sender, key: key, replayWindow: window), try SRTPContext(.receiver, key: key, replayWindow: window))
}

/// Asserts that `body` throws an `SRTPError` of `kind`.
func assertSRTPError(
    _ kind: SRTPError.Kind,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> Void
) {
    do {
        try body()
        XCTFail("expected \(kind), nothing was thrown", file: file, line: line)
    } catch let error as SRTPError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
    } catch {
        XCTFail("expected SRTPError.\(kind), got \(error)", file: file, line: line)
    }
}
