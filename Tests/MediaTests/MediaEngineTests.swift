import Codecs
import Foundation
import Glibc
import Logging
import Media
import ParleyTesting
import RTP
import Synchronization
import XCTest

/// The media engine on real loopback UDP sockets: echo, playback, latching.
final class MediaEngineTests: XCTestCase {
    private var engine: MediaEngine!

    override func setUpWithError() throws {
        engine = try LoopbackEngine.start(ports: 16, threads: 1)
    }

    override func tearDown() {
        engine.stop()
        engine = nil
    }

    private func audio(to peer: UDPPeer, pt: UInt8 = 0, codec: CodecDescription = .pcmu) -> NegotiatedAudio {
        NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: Int(peer.port)), codec: codec, payloadType: pt,
                        telephoneEventPayloadType: 101, ptime: 20, direction: .sendrecv, remoteHold: false, rtcpMux: true)
    }

    func testEchoSendsBackThePayloadsInOrderAsOurOwnStream() throws {
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer { stream.close() }
        XCTAssertEqual(stream.localPort % 2, 0)
        let peer = try UDPPeer()
        stream.configure(audio(to: peer))
        stream.play(.echo)
        for i in 0..<20 {
            let packet = RTPPacket(payloadType: 0, sequenceNumber: UInt16(1000 + i), timestamp: UInt32(i * 160), ssrc: 0xABCD,
                                   payload: [UInt8](repeating: UInt8(i), count: 160))
            peer.send(packet.serialized(), to: UInt16(stream.localPort))
            Thread.sleep(forTimeInterval: 0.02)
        }
        var echoed: [RTPPacket] = []
        while echoed.count < 20, let bytes = peer.receive(timeout: 2) {
            echoed.append(try RTPPacket(parsing: bytes))
        }
        XCTAssertEqual(echoed.map { $0.payload.first ?? 255 }, (0..<20).map(UInt8.init))
        XCTAssertTrue(echoed.allSatisfy { $0.ssrc != 0xABCD && $0.ssrc == echoed[0].ssrc && $0.payloadType == 0 })
        XCTAssertTrue(echoed[0].marker)
        for (a, b) in zip(echoed, echoed.dropFirst()) {
            XCTAssertEqual(b.sequenceNumber, a.sequenceNumber &+ 1)
            XCTAssertEqual(Serial.distance(from: a.timestamp, to: b.timestamp) % 160, 0)
            XCTAssertGreaterThan(Serial.distance(from: a.timestamp, to: b.timestamp), 0)
        }
    }

    func testOnceLatchedAStraySourceIsIgnored() throws {
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer { stream.close() }
        let peer = try UDPPeer()
        let stray = try UDPPeer()
        stream.configure(audio(to: peer))
        stream.play(.echo)
        for i in 0..<10 {
            peer.send(RTPPacket(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 1,
                                payload: [UInt8](repeating: 1, count: 160)).serialized(), to: UInt16(stream.localPort))
            stray.send(RTPPacket(payloadType: 0, sequenceNumber: UInt16(500 + i), timestamp: UInt32(i * 160), ssrc: 2,
                                 payload: [UInt8](repeating: 2, count: 160)).serialized(), to: UInt16(stream.localPort))
            Thread.sleep(forTimeInterval: 0.02)
        }
        var payloads: [[UInt8]] = []
        while let bytes = peer.receive(timeout: 1) { payloads.append(try RTPPacket(parsing: bytes).payload) }
        // The peer's ten frames come back; after them the jitter buffer may conceal a few frames
        // (faded copies), but the stray's constant 0x02 frames never appear.
        XCTAssertEqual(payloads.prefix(10).map { $0.first ?? 0 }, [UInt8](repeating: 1, count: 10))
        XCTAssertFalse(payloads.contains([UInt8](repeating: 2, count: 160)), "a stray frame was echoed")
        XCTAssertNil(stray.receive(timeout: 0.2), "nothing may be sent to the stray source")
    }

    func testPlaybackSendsTheClipEncodedAndReportsItsEnd() throws {
        let finished = Mutex<[UInt64]>([])
        let stream = try engine.openStream(logger: Logger(label: "test")) { event in
            if case .playbackFinished(let id) = event { finished.withLock { $0.append(id) } }
        }
        defer { stream.close() }
        let peer = try UDPPeer()
        stream.configure(audio(to: peer, pt: 8, codec: .pcma))
        let tone = AudioAnalysis.tone(frequency: 1000, seconds: 0.5, sampleRate: 8000)
        stream.play(.sound(SoundClip(samples: tone, sampleRate: 8000, name: "tone"), loop: false))
        var decoded: [Int16] = []
        while decoded.count < tone.count, let bytes = peer.receive(timeout: 2) {
            let packet = try RTPPacket(parsing: bytes)
            XCTAssertEqual(packet.payloadType, 8)
            XCTAssertEqual(packet.payload.count, 160)
            decoded += packet.payload.map(G711.decodeALaw)
        }
        XCTAssertEqual(decoded.count, tone.count)
        let expected = tone.map { G711.decodeALaw(G711.encodeALaw($0)) }
        XCTAssertEqual(decoded, expected)
        let deadline = Date().addingTimeInterval(2)
        while finished.withLock({ $0.isEmpty }), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(finished.withLock { $0 }, [stream.id])
    }

    func testBridgeCarriesAudioBetweenTwoStreamsAcrossCodecsAndRates() throws {
        let a = try engine.openStream(logger: Logger(label: "test")) { _ in }
        let b = try engine.openStream(logger: Logger(label: "test"), pinnedWith: a) { _ in }
        defer {
            a.close()
            b.close()
        }
        let phoneA = try UDPPeer()
        let phoneB = try UDPPeer()
        a.configure(audio(to: phoneA))  // PCMU, 8 kHz
        b.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: Int(phoneB.port)), codec: .g722, payloadType: 9,
                                    telephoneEventPayloadType: nil, ptime: 20, direction: .sendrecv, remoteHold: false, rtcpMux: true))
        a.play(.bridge(b))
        b.play(.bridge(a))
        let tone = AudioAnalysis.tone(frequency: 1000, seconds: 1, sampleRate: 8000)
        for i in 0..<50 {
            let payload = tone[(i * 160)..<((i + 1) * 160)].map(G711.encodeMuLaw)
            phoneA.send(RTPPacket(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 7, payload: payload).serialized(),
                        to: UInt16(a.localPort))
            Thread.sleep(forTimeInterval: 0.02)
        }
        let decoder = try G722.Decoder()
        var heard: [Int16] = []
        while let bytes = phoneB.receive(timeout: 1) {
            let packet = try RTPPacket(parsing: bytes)
            guard packet.payloadType == 9 else { continue }
            XCTAssertEqual(packet.payload.count, 160, "20 ms of G.722 is 160 bytes")
            heard += try decoder.decode(payload: packet.payload)
        }
        XCTAssertGreaterThan(heard.count, 16000 / 2, "phone B heard too little")
        XCTAssertEqual(AudioAnalysis.dominantFrequency(Array(heard.dropFirst(1600)), sampleRate: 16000), 1000, accuracy: 10)
        // Phone B sent nothing, so phone A gets no audio (RTCP reports on the muxed port are fine).
        while let bytes = phoneA.receive(timeout: 0.1) {
            XCTAssertTrue(RTCPMux.classify(bytes) == .rtcp, "phone A got audio it should not: \(bytes.prefix(12))")
        }
    }

    func testHoldStopsSendingAndPortsAreReleased() throws {
        let before = engine.activeStreams
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        let peer = try UDPPeer()
        var held = audio(to: peer)
        held.direction = .recvonly
        stream.configure(held)
        stream.play(.sound(SoundClip(samples: [Int16](repeating: 1000, count: 8000), sampleRate: 8000, name: "x"), loop: true))
        XCTAssertNil(peer.receive(timeout: 0.3), "a recvonly stream must not send")
        stream.configure(audio(to: peer))
        XCTAssertNotNil(peer.receive(timeout: 2), "resumed stream sends again")
        stream.close()
        let deadline = Date().addingTimeInterval(2)
        while engine.activeStreams != before, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(engine.activeStreams, before)
    }
}

/// A phone's RTP port in these tests.
typealias UDPPeer = UDPTestSocket
