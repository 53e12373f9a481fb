import Codecs
import Foundation
import Logging
@testable import Media
import ParleyTesting
import RTP
import Synchronization
import XCTest

/// Rooms on the real media engine over loopback UDP: mixing across codecs, relay and its end,
/// recording, moving streams between media loops.
final class RoomTests: XCTestCase {
    private var engine: MediaEngine!

    override func setUpWithError() throws {
        engine = try LoopbackEngine.start(ports: 24, threads: 2)
    }

    override func tearDown() {
        engine.stop()
        engine = nil
    }

    private func audio(to peer: UDPTestSocket, codec: CodecDescription = .pcmu, pt: UInt8 = 0) -> NegotiatedAudio {
        NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: Int(peer.port)), codec: codec, payloadType: pt,
                        telephoneEventPayloadType: 101, ptime: 20, direction: .sendrecv, remoteHold: false, rtcpMux: true)
    }

    /// Sends `seconds` of a µ-law tone (or the given payload byte) from `peer` to `stream`, 20 ms apart,
    /// on its own thread.
    private func talk(_ peer: UDPTestSocket, to stream: MediaStream, frequency: Double?, byte: UInt8 = 0xFF,
                      seconds: Double, ssrc: UInt32) -> Thread {
        let port = UInt16(stream.localPort)
        let thread = Thread {
            let tone = frequency.map { AudioAnalysis.tone(frequency: $0, seconds: seconds, sampleRate: 8000, amplitude: 6000) }
            let frames = Int(seconds * 50)
            let start = Date()
            for i in 0..<frames {
                let payload = tone.map { $0[(i * 160)..<((i + 1) * 160)].map(G711.encodeMuLaw) } ?? [UInt8](repeating: byte, count: 160)
                peer.send(RTPPacket(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: ssrc,
                                    payload: payload).serialized(), to: port)
                let next = start.addingTimeInterval(Double(i + 1) * 0.02)
                Thread.sleep(forTimeInterval: max(0, next.timeIntervalSinceNow))
            }
        }
        thread.start()
        return thread
    }

    /// What `peer` hears (PCMU payloads decoded) over the next `seconds` (a room sends all the time),
    /// or until it has been quiet for `quiet` seconds.
    private func listen(_ peer: UDPTestSocket, seconds: TimeInterval = 1.2, quiet: TimeInterval = 0.5,
                        payloads: (([UInt8]) -> Void)? = nil) throws -> [Int16] {
        var heard: [Int16] = []
        let end = Date().addingTimeInterval(seconds)
        while Date() < end, let bytes = peer.receive(timeout: quiet) {
            guard RTCPMux.classify(bytes) != .rtcp else { continue }
            let packet = try RTPPacket(parsing: bytes)
            guard packet.payloadType == 0 else { continue }
            payloads?(packet.payload)
            heard += packet.payload.map(G711.decodeMuLaw)
        }
        return heard
    }

    private func level(_ samples: [Int16], _ frequency: Double, rate: Int = 8000) -> Double {
        AudioAnalysis.amplitude(of: frequency, in: samples, sampleRate: rate)
    }

    func testThreeMembersEachHearTheOthersAcrossCodecs() throws {
        let room = engine.openRoom(sampleRate: 16000)
        defer { room.close() }
        let peers = try (0..<3).map { _ in try UDPTestSocket() }
        // Streams opened anywhere; joining moves them to the room's loop.
        let streams = try (0..<3).map { _ in try engine.openStream(logger: Logger(label: "test")) { _ in } }
        defer { streams.forEach { $0.close() } }
        streams[0].configure(audio(to: peers[0]))
        streams[1].configure(audio(to: peers[1]))
        streams[2].configure(audio(to: peers[2], codec: .g722, pt: 9))
        streams.forEach { room.add($0) }
        Thread.sleep(forTimeInterval: 0.1)
        let a = talk(peers[0], to: streams[0], frequency: 500, seconds: 1.2, ssrc: 1)
        let b = talk(peers[1], to: streams[1], frequency: 1300, seconds: 1.2, ssrc: 2)
        // The three peers' sockets buffer what they get while we read one after the other.
        let heardA = try listen(peers[0])
        let heardB = try listen(peers[1], seconds: 0.3)
        var heardC: [Int16] = []
        let decoder = try G722.Decoder()
        let end = Date().addingTimeInterval(1.2)
        while Date() < end, let bytes = peers[2].receive(timeout: 0.3) {
            guard RTCPMux.classify(bytes) != .rtcp, let packet = try? RTPPacket(parsing: bytes), packet.payloadType == 9 else { continue }
            heardC += try decoder.decode(payload: packet.payload)
        }
        _ = (a, b)
        let midA = Array(heardA.dropFirst(2400).prefix(4000))
        let midB = Array(heardB.dropFirst(2400).prefix(4000))
        XCTAssertGreaterThan(level(midA, 1300), 2000, "A hears B")
        XCTAssertLessThan(level(midA, 500), 300, "A does not hear itself")
        XCTAssertGreaterThan(level(midB, 500), 2000, "B hears A")
        XCTAssertLessThan(level(midB, 1300), 300, "B does not hear itself")
        let midC = Array(heardC.dropFirst(4800).prefix(8000))
        XCTAssertGreaterThan(level(midC, 500, rate: 16000), 2000, "C (G.722) hears A")
        XCTAssertGreaterThan(level(midC, 1300, rate: 16000), 2000, "C (G.722) hears B")
    }

    func testTwoSameCodecMembersRelayUntilARecordingStartsThenMix() throws {
        let events = Mutex<[RoomEvent]>([])
        let room = engine.openRoom(sampleRate: 8000) { e in events.withLock { $0.append(e) } }
        defer { room.close() }
        let peerA = try UDPTestSocket()
        let peerB = try UDPTestSocket()
        let a = try engine.openStream(logger: Logger(label: "test"), in: room) { _ in }
        let b = try engine.openStream(logger: Logger(label: "test"), in: room) { _ in }
        defer {
            a.close()
            b.close()
        }
        a.configure(audio(to: peerA))
        b.configure(audio(to: peerB))
        room.add(a)
        room.add(b)
        // µ-law 0x7F is "negative zero": a decode/encode round trip turns it into 0xFF, a relay keeps it.
        _ = talk(peerA, to: a, frequency: nil, byte: 0x7F, seconds: 0.6, ssrc: 11)
        let relayed = Mutex<[[UInt8]]>([])
        _ = try listen(peerB, seconds: 0.7) { p in relayed.withLock { $0.append(p) } }
        let first = relayed.withLock { $0 }
        XCTAssertGreaterThan(first.count, 20)
        XCTAssertTrue(first.allSatisfy { $0.allSatisfy { $0 == 0x7F } }, "relayed payloads are the sender's bytes")
        XCTAssertTrue(events.withLock { $0.contains(.relaying(room: room.id, true)) })

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("room-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try room.startRecording(path: "\(dir)/r.wav")
        Thread.sleep(forTimeInterval: 0.1)
        _ = talk(peerA, to: a, frequency: 900, seconds: 0.8, ssrc: 12)
        let mixed = Mutex<[[UInt8]]>([])
        let heard = try listen(peerB, seconds: 0.9) { p in mixed.withLock { $0.append(p) } }
        XCTAssertTrue(events.withLock { $0.contains(.relaying(room: room.id, false)) })
        XCTAssertFalse(mixed.withLock { $0 }.contains { $0.contains(0x7F) }, "mixing re-encodes")
        XCTAssertGreaterThan(level(Array(heard.dropFirst(1600).prefix(3200)), 900), 2000)
        let done = expectation(description: "recording closed")
        room.stopRecording { _ in done.fulfill() }
        wait(for: [done], timeout: 5)
        let recorded = try XCTUnwrap(WAVFile(contentsOf: URL(fileURLWithPath: "\(dir)/r.wav")).pcm16Samples)
        XCTAssertGreaterThan(level(Array(recorded.dropFirst(2400).prefix(3200)), 900), 2000, "the recording holds the mix")
    }

    func testMuteHoldMusicAndPromptsReachTheRightMembers() throws {
        let room = engine.openRoom(sampleRate: 8000)
        defer { room.close() }
        let peerA = try UDPTestSocket()
        let peerB = try UDPTestSocket()
        let a = try engine.openStream(logger: Logger(label: "test")) { _ in }
        let b = try engine.openStream(logger: Logger(label: "test")) { _ in }
        defer {
            a.close()
            b.close()
        }
        a.configure(audio(to: peerA))
        b.configure(audio(to: peerB))
        room.add(a)
        room.add(b)
        room.setMuted(a.id, true)
        _ = talk(peerA, to: a, frequency: 700, seconds: 0.6, ssrc: 21)
        let muted = try listen(peerB, seconds: 0.7)
        XCTAssertLessThan(level(Array(muted.dropFirst(800)), 700), 200, "a muted member is not heard")
        // A holds: B hears the music in A's place.
        room.setMuted(a.id, false)
        let music = SoundClip(samples: AudioAnalysis.tone(frequency: 440, seconds: 1, sampleRate: 8000), sampleRate: 8000, name: "moh")
        room.setHolding(a.id, music: music)
        let held = try listen(peerB, seconds: 0.6, quiet: 0.3).prefix(4000)
        XCTAssertGreaterThan(level(Array(held.dropFirst(800)), 440), 2000, "B hears hold music")
        room.setHolding(a.id, music: nil)
        // A prompt to B only: A does not hear it.
        _ = try listen(peerA, seconds: 0.3, quiet: 0.2)
        room.play(ToneClips.beep(frequency: 1800, milliseconds: 300, sampleRate: 8000), to: b.id)
        Thread.sleep(forTimeInterval: 0.5)
        var toB: [Int16] = []
        while toB.count < 4000, let bytes = peerB.receive(timeout: 0.3) {
            if RTCPMux.classify(bytes) != .rtcp, let p = try? RTPPacket(parsing: bytes) { toB += p.payload.map(G711.decodeMuLaw) }
        }
        var toA: [Int16] = []
        while toA.count < 4000, let bytes = peerA.receive(timeout: 0.3) {
            if RTCPMux.classify(bytes) != .rtcp, let p = try? RTPPacket(parsing: bytes) { toA += p.payload.map(G711.decodeMuLaw) }
        }
        XCTAssertLessThan(level(toA, 1800), 100, "A does not hear B's prompt")
        XCTAssertGreaterThan(level(toB, 1800), 1000, "B hears its prompt")
    }
    /// A stream joining from another media loop arrives two hops after ``Room/add(_:options:)``;
    /// a setting posted right after it (parking it with music, as a transfer to a slot does) and a
    /// removal posted before it arrives must both still hold.
    func testSettingsAndRemovalForAStreamStillMovingFromAnotherLoopWaitForIt() throws {
        let room = engine.openRoom(sampleRate: 8000)
        defer { room.close() }
        // Two streams on the other loop than the room's (the engine balances new streams over both).
        var opened: [MediaStream] = []
        defer { for stream in opened { stream.close() } }
        for _ in 0..<8 where opened.filter({ $0.loop !== room.loop }).count < 2 {
            opened.append(try engine.openStream(logger: Logger(label: "test")) { _ in })
        }
        let away = opened.filter { $0.loop !== room.loop }
        XCTAssertEqual(away.count, 2, "the engine has a second loop")
        guard away.count == 2 else { return }
        let (a, b) = (away[0], away[1])
        let peerA = try UDPTestSocket()
        a.configure(audio(to: peerA))
        let music = SoundClip(samples: AudioAnalysis.tone(frequency: 440, seconds: 1, sampleRate: 8000), sampleRate: 8000, name: "moh")
        // The streams' own loop is busy for a moment (as a loop ticking rooms can be): their move
        // out of it is queued behind that, the settings below go straight to the room's loop.
        a.loop.post { _ in Thread.sleep(forTimeInterval: 0.15) }
        room.add(a)
        room.setParked(a.id, music: music)
        room.add(b)
        room.remove(member: b.id)
        let heard = try listen(peerA, seconds: 0.8, quiet: 0.4)
        XCTAssertGreaterThan(heard.count, 2400, "the parked stream is sent the room's output")
        XCTAssertGreaterThan(level(Array(heard.dropFirst(800)), 440), 2000, "the parked stream hears its music")
        let members = expectation(description: "snapshot")
        let seen = Mutex<[UInt64]>([])
        room.snapshot { ids, _ in
            seen.withLock { $0 = ids }
            members.fulfill()
        }
        wait(for: [members], timeout: 5)
        XCTAssertTrue(seen.withLock { $0.contains(a.id) })
        XCTAssertFalse(seen.withLock { $0.contains(b.id) }, "a stream taken out on its way does not join")
    }
}
