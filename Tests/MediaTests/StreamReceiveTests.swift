import CMediaShims
import Codecs
import Foundation
import Logging
@testable import Media
import RTP
import Synchronization
import XCTest

/// A stream's receive side driven directly, one 20 ms tick at a time on a manual clock (no
/// sockets, no loop): comfort noise fills a transmission pause at the announced level, and in-band
/// DTMF is found at the call's PCM rate (8 kHz G.711, 16 kHz G.722, 48 kHz Opus) whenever
/// telephone-event was not negotiated.
final class StreamReceiveTests: XCTestCase {
    /// Events the stream emitted (on the test's thread here, but the callback must be Sendable).
    private final class EventLog: Sendable {
        let list = Mutex<[MediaEvent]>([])
        func withLock<R>(_ body: (inout [MediaEvent]) -> R) -> R { list.withLock { body(&$0) } }
    }

    /// A stream fed packets as wire bytes and ticked on a manual clock.
    private final class Harness {
        let stream: StreamState
        let events = EventLog()
        private var peer = pn_addr_t()
        private(set) var now: UInt64 = 1_000_000_000
        var sequence: UInt16 = 100
        let clockRate: Int

        init(codec: CodecDescription, payloadType: UInt8, telephoneEvent: UInt8?) {
            let events = events
            stream = StreamState(id: 7, fd: -1, rtcpFD: -1, localPort: 0, jitterDepth: 2, mediaTimeoutSeconds: 0,
                                 logger: Logger(label: "test"), onEvent: { event in events.withLock { $0.append(event) } })
            stream.transmitsPackets = false
            stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 40_000), codec: codec,
                                             payloadType: payloadType, telephoneEventPayloadType: telephoneEvent, ptime: 20,
                                             direction: .sendrecv, remoteHold: false))
            clockRate = codec.clockRate
            _ = pn_parse_addr("127.0.0.1", 40_000, &peer)
        }

        var rtpNow: UInt32 { StreamState.rtpClock(now, rate: clockRate) }

        /// Delivers a packet (arriving now) whose timestamp is the current RTP clock.
        func deliver(payloadType: UInt8, payload: [UInt8], marker: Bool = false) {
            var bytes = RTPPacket(payloadType: payloadType, sequenceNumber: sequence, timestamp: rtpNow, ssrc: 0xFACE,
                                  marker: marker, payload: payload).serialized()
            sequence &+= 1
            bytes.withUnsafeMutableBytes { stream.handle($0, from: peer, arrivalNanoseconds: now) }
        }

        /// One receive tick; returns the decoded frame, or nil when the tick had no audio.
        @discardableResult
        func tick() -> [Int16]? {
            stream.receiveTick(now: now)
            now += 20_000_000
            return stream.decodedValid ? stream.decoded : nil
        }

        var digits: String {
            events.withLock { list in
                String(list.compactMap { if case .dtmf(_, let digit) = $0 { digit.digit } else { nil } })
            }
        }
    }

    private func levelDB(_ samples: [Int16]) -> Double {
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))
        return 10 * log10(max(energy, 1e-9) / (32_767.0 * 32_767.0))
    }

    // MARK: comfort noise

    func testComfortNoiseFillsThePauseAtTheAnnouncedLevelUntilSpeechResumes() throws {
        let harness = Harness(codec: .pcmu, payloadType: 0, telephoneEvent: 101)
        // A 500 Hz tone at about -16 dBov as speech.
        let speech = (0..<160).map { G711.encodeMuLaw(Int16(8000 * sin(2 * Double.pi * 500 * Double($0) / 8000))) }
        var before: [Double] = []
        for _ in 0..<20 {
            harness.deliver(payloadType: 0, payload: speech)
            if let frame = harness.tick() { before.append(levelDB(frame)) }
        }
        // RFC 3389: CN (static payload type 13, not even in the SDP) with a level of 40, then silence.
        harness.deliver(payloadType: 13, payload: [40])
        var pause: [Double] = []
        var noise: [Int16] = []
        for _ in 0..<60 {
            let frame = try XCTUnwrap(harness.tick(), "every tick of the pause has audio: comfort noise")
            pause.append(levelDB(frame))
            noise += frame
        }
        harness.deliver(payloadType: 0, payload: speech, marker: true)
        var after: [Double] = []
        for _ in 0..<10 {
            harness.deliver(payloadType: 0, payload: speech)
            if let frame = harness.tick() { after.append(levelDB(frame)) }
        }
        XCTAssertEqual(try XCTUnwrap(before.last), -16, accuracy: 1.5, "speech plays as decoded")
        // The noise frames (after the buffered speech has played out) sit at -40 dBov.
        let settled = Array(noise.suffix(40 * 160))
        XCTAssertEqual(levelDB(settled), -40, accuracy: 1.0)
        XCTAssertTrue(pause.suffix(40).allSatisfy { abs($0 + 40) < 3 }, "\(pause)")
        XCTAssertEqual(try XCTUnwrap(after.last), -16, accuracy: 1.5, "speech replaces the noise")
        let jitter = harness.stream.jitter.statistics
        XCTAssertEqual(jitter.lost, 0)
        XCTAssertEqual(jitter.concealed, 0, "the pause is not concealed")
        XCTAssertEqual(jitter.underruns, 0, "the pause is not an underrun")
        XCTAssertEqual(harness.stream.receiver.statistics.comfortNoisePackets, 1)
    }

    func testNegotiatedDynamicComfortNoisePayloadTypeIsUnderstood() {
        var audio = NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 4000), codec: .g722, payloadType: 9,
                                    telephoneEventPayloadType: 101, ptime: 20, direction: .sendrecv, remoteHold: false,
                                    comfortNoisePayloadType: 98)
        XCTAssertEqual(StreamState.wire(for: audio).comfortNoisePayloadType, 98)
        audio.comfortNoisePayloadType = nil
        XCTAssertEqual(StreamState.wire(for: audio).comfortNoisePayloadType, 13, "static CN/8000 on an 8 kHz RTP clock")
        let opus = NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 4000), codec: .opus(), payloadType: 111,
                                   telephoneEventPayloadType: nil, ptime: 20, direction: .sendrecv, remoteHold: false)
        XCTAssertNil(StreamState.wire(for: opus).comfortNoisePayloadType, "CN/8000 cannot share a 48 kHz clock")
    }

    // MARK: in-band DTMF

    /// Encodes `keys` as 70 ms tones with 70 ms gaps at `rate` and returns 20 ms PCM frames.
    private func toneFrames(_ keys: String, rate: Int, level: Double = -12) throws -> [[Int16]] {
        var samples = [Int16](repeating: 0, count: rate / 25)
        for key in keys {
            samples += try DTMFToneGenerator.tone(key, durationMs: 70, level: level, sampleRate: rate)
            samples += [Int16](repeating: 0, count: 70 * rate / 1000)
        }
        samples += [Int16](repeating: 0, count: rate / 10)
        let frame = rate / 50
        return stride(from: 0, to: samples.count - frame + 1, by: frame).map { Array(samples[$0..<($0 + frame)]) }
    }

    private func play(_ frames: [[Int16]], through harness: Harness, encoder: any AudioEncoder, payloadType: UInt8) throws {
        var encoder = encoder
        for frame in frames {
            var payload: [UInt8] = []
            try frame.withUnsafeBufferPointer { try encoder.encode($0, into: &payload) }
            harness.deliver(payloadType: payloadType, payload: payload)
            harness.tick()
        }
        for _ in 0..<10 { harness.tick() }
    }

    func testInbandDigitsOnAG722StreamAt16kHz() throws {
        let harness = Harness(codec: .g722, payloadType: 9, telephoneEvent: nil)
        XCTAssertEqual(harness.stream.sampleRate, 16_000)
        try play(try toneFrames("1#9D", rate: 16_000), through: harness, encoder: try G722.Encoder(), payloadType: 9)
        XCTAssertEqual(harness.digits, "1#9D")
        let clockRates = harness.events.withLock { $0.compactMap { if case .dtmf(_, let d) = $0 { d.clockRate } else { nil } } }
        XCTAssertEqual(Set(clockRates), [8000], "G.722 times are on its 8 kHz RTP clock")
    }

    func testInbandDigitsOnAnOpusStreamAt48kHz() throws {
        let harness = Harness(codec: .opus(), payloadType: 111, telephoneEvent: nil)
        XCTAssertEqual(harness.stream.sampleRate, 48_000)
        try play(try toneFrames("50*", rate: 48_000), through: harness, encoder: try Opus.Encoder(sampleRate: 48_000, channels: 1),
                 payloadType: 111)
        XCTAssertEqual(harness.digits, "50*")
    }

    func testInbandDigitsOnAG711StreamAt8kHz() throws {
        let harness = Harness(codec: .pcma, payloadType: 8, telephoneEvent: nil)
        try play(try toneFrames("74", rate: 8000), through: harness, encoder: G711(law: .a), payloadType: 8)
        XCTAssertEqual(harness.digits, "74")
    }

    /// With telephone-event negotiated the digits arrive as RFC 4733 events; tones in the audio
    /// are not reported a second time.
    func testNoInbandDetectionWhenTelephoneEventIsNegotiated() throws {
        let harness = Harness(codec: .g722, payloadType: 9, telephoneEvent: 101)
        try play(try toneFrames("1#", rate: 16_000), through: harness, encoder: try G722.Encoder(), payloadType: 9)
        XCTAssertEqual(harness.digits, "")
        XCTAssertFalse(harness.stream.receiver.detectsInband)
    }
}
