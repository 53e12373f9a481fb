import Codecs
import Foundation
import Logging
import Media
import ParleyTesting
import RTP
import Synchronization
import XCTest

/// Digits Parley sends itself, on real loopback UDP: RFC 4733 events in place of the stream's
/// audio when telephone-event was negotiated, Q.23 tones in the audio when it was not. The
/// receiving side decodes them with the same receivers Parley uses for incoming digits.
final class DigitSendingTests: XCTestCase {
    private var engine: MediaEngine!

    override func setUpWithError() throws {
        engine = try LoopbackEngine.start(ports: 16, threads: 1)
    }

    override func tearDown() {
        engine.stop()
        engine = nil
    }

    private func audio(to peer: UDPTestSocket, telephoneEvent: UInt8?) -> NegotiatedAudio {
        NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: Int(peer.port)), codec: .pcmu, payloadType: 0,
                        telephoneEventPayloadType: telephoneEvent, ptime: 20, direction: .sendrecv, remoteHold: false, rtcpMux: true)
    }

    /// Packets the peer receives until `count` have come or the line goes quiet for a second.
    private func collect(_ peer: UDPTestSocket, count: Int) throws -> [RTPPacket] {
        var packets: [RTPPacket] = []
        while packets.count < count, let bytes = peer.receive(timeout: 1) {
            let packet = try RTPPacket(parsing: bytes)
            if packet.payloadType < 72 || packet.payloadType > 79 { packets.append(packet) }
        }
        return packets
    }

    private func send(_ stream: MediaStream, _ digits: String, method: DTMFSendMethod? = nil) throws -> DTMFSendMethod {
        let outcome = Mutex<Result<DTMFSendMethod, DigitSendError>?>(nil)
        stream.sendDigits(digits, durationMs: 100, method: method) { result in outcome.withLock { $0 = result } }
        let deadline = Date().addingTimeInterval(5)
        while outcome.withLock({ $0 }) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        return try XCTUnwrap(outcome.withLock { $0 }).get()
    }

    func testNegotiatedTelephoneEventsReplaceTheAudioAndDecodeAsTheDigits() throws {
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer { stream.close() }
        let peer = try UDPTestSocket()
        stream.configure(audio(to: peer, telephoneEvent: 101))
        let tone = AudioAnalysis.tone(frequency: 440, seconds: 3, sampleRate: 8000)
        stream.play(.sound(SoundClip(samples: tone, sampleRate: 8000, name: "tone"), loop: true))
        _ = try collect(peer, count: 10)
        XCTAssertEqual(try send(stream, "15#"), .rfc4733)
        // 3 digits × (5 packets + 2 more end copies) + gaps and audio on either side.
        let packets = try collect(peer, count: 60)
        var receiver = DTMFReceiver()
        var digits = ""
        for packet in packets where packet.payloadType == 101 {
            for action in receiver.handle(packet, arrival: packet.timestamp) {
                if let digit = action.completedDigit {
                    digits.append(digit.digit)
                    XCTAssertEqual(digit.durationMs, 100, "each press lasts the asked 100 ms")
                }
            }
        }
        XCTAssertEqual(digits, "15#")
        let events = packets.filter { $0.payloadType == 101 }
        XCTAssertEqual(events.count, 3 * 7, "five growing packets and three end copies per digit (the last growing one is the first end)")
        XCTAssertEqual(events.filter(\.marker).count, 3, "each event starts with the marker bit")
        // One SSRC, one unbroken sequence: the events took the audio's place, not extra slots.
        XCTAssertEqual(Set(packets.map(\.ssrc)).count, 1)
        for (a, b) in zip(packets, packets.dropFirst()) {
            XCTAssertEqual(b.sequenceNumber, a.sequenceNumber &+ 1)
        }
        // No audio frame overlaps an event: each event's 100 ms are the event's alone.
        for start in Set(events.map(\.timestamp)) {
            let overlapping = packets.filter { $0.payloadType == 0 && Serial.distance(from: start, to: $0.timestamp) >= 0
                && Serial.distance(from: start, to: $0.timestamp) < 800 }
            XCTAssertEqual(overlapping.count, 0, "audio sent during the event starting at \(start)")
        }
        // Audio resumes after the digits, on the audio's own timeline (past the events' start).
        let firstEvent = try XCTUnwrap(packets.firstIndex { $0.payloadType == 101 })
        let lastEvent = try XCTUnwrap(packets.lastIndex { $0.payloadType == 101 })
        XCTAssertTrue(packets[..<firstEvent].allSatisfy { $0.payloadType == 0 })
        XCTAssertTrue(packets[firstEvent...lastEvent].contains { $0.payloadType == 0 }, "audio fills the gaps between digits")
        let after = try XCTUnwrap(packets[(lastEvent + 1)...].first, "audio after the digits")
        XCTAssertEqual(after.payloadType, 0)
        XCTAssertGreaterThan(Serial.distance(from: packets[lastEvent].timestamp, to: after.timestamp), 100 * 8)
        let stats = Mutex<MediaStatistics?>(nil)
        stream.statistics { value in stats.withLock { $0 = value } }
        let deadline = Date().addingTimeInterval(2)
        while stats.withLock({ $0 }) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(stats.withLock { $0 }?.digitPacketsSent, events.count)
    }

    func testWithoutTelephoneEventTheDigitsGoInBandAndADetectorHearsThem() throws {
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer { stream.close() }
        let peer = try UDPTestSocket()
        stream.configure(audio(to: peer, telephoneEvent: nil))
        XCTAssertEqual(try send(stream, "907*"), .inband)
        // 4 × (100 ms tone + 60 ms gap) = 32 frames, then silence.
        let packets = try collect(peer, count: 45)
        XCTAssertTrue(packets.allSatisfy { $0.payloadType == 0 })
        var detector = InbandDTMFDetector()
        var digits = ""
        var timestamp: UInt32 = 0
        for packet in packets {
            let pcm = packet.payload.map(G711.decodeMuLaw)
            for action in detector.process(pcm, timestamp: timestamp) {
                if let digit = action.completedDigit { digits.append(digit.digit) }
            }
            timestamp &+= 160
        }
        for action in detector.finish() {
            if let digit = action.completedDigit { digits.append(digit.digit) }
        }
        XCTAssertEqual(digits, "907*")
    }

    func testForcedEventsWithoutTelephoneEventAreRefusedAndBadKeysAreInvalid() throws {
        let stream = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer { stream.close() }
        let peer = try UDPTestSocket()
        stream.configure(audio(to: peer, telephoneEvent: nil))
        XCTAssertThrowsError(try send(stream, "1", method: .rfc4733)) { error in
            guard case .cannotSend = error as? DigitSendError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try send(stream, "1x")) { error in
            guard case .invalid(let reason) = error as? DigitSendError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason.kind, .unknownDigit)
        }
        XCTAssertNil(peer.receive(timeout: 0.3), "nothing is sent for refused digits")
    }

    func testInARoomTheDigitReplacesTheMixForThatMemberOnly() throws {
        let room = engine.openRoom(sampleRate: 8000)
        defer { room.close() }
        let a = try engine.openStream(logger: Logger(label: "test"), in: room) { _ in }
        let b = try engine.openStream(logger: Logger(label: "test"), in: room) { _ in }
        defer { a.close(); b.close() }
        let peerA = try UDPTestSocket()
        let peerB = try UDPTestSocket()
        a.configure(audio(to: peerA, telephoneEvent: nil))
        b.configure(audio(to: peerB, telephoneEvent: nil))
        room.add(a)
        room.add(b)
        // B talks a 1 kHz tone: A hears it in the mix, except while A's digit plays.
        let tone = AudioAnalysis.tone(frequency: 1000, seconds: 0.02, sampleRate: 8000)
        let payload = tone.map(G711.encodeMuLaw)
        let talker = Thread {
            for i in 0..<150 {
                peerB.send(RTPPacket(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 7,
                                     payload: payload).serialized(), to: UInt16(b.localPort))
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        talker.start()
        _ = try collect(peerA, count: 25)
        XCTAssertEqual(try send(a, "8"), .inband)
        let packets = try collect(peerA, count: 40)
        var detector = InbandDTMFDetector()
        var digits = ""
        var timestamp: UInt32 = 0
        for packet in packets {
            for action in detector.process(packet.payload.map(G711.decodeMuLaw), timestamp: timestamp) {
                if let digit = action.completedDigit { digits.append(digit.digit) }
            }
            timestamp &+= 160
        }
        XCTAssertEqual(digits, "8", "the digit is heard clean, not mixed with the other member's tone")
        // One packet per 20 ms: the tone frames took the mix's place instead of going beside it.
        XCTAssertEqual(Set(packets.map(\.timestamp)).count, packets.count, "two packets for one tick")
        let heardTone = packets.suffix(10).contains { packet in
            AudioAnalysis.amplitude(of: 1000, in: packet.payload.map(G711.decodeMuLaw), sampleRate: 8000) > 1000
        }
        XCTAssertTrue(heardTone, "the mix comes back after the digit")
        // B never received A's digit (it went to A's leg only).
        var bDetector = InbandDTMFDetector()
        var bDigits = ""
        var bTimestamp: UInt32 = 0
        while let bytes = peerB.receive(timeout: 0.3) {
            let packet = try RTPPacket(parsing: bytes)
            for action in bDetector.process(packet.payload.map(G711.decodeMuLaw), timestamp: bTimestamp) {
                if let digit = action.completedDigit { bDigits.append(digit.digit) }
            }
            bTimestamp &+= 160
        }
        XCTAssertEqual(bDigits, "")
    }
}
