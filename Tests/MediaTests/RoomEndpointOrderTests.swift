import Codecs
import Logging
@testable import Media
import ParleyTesting
import Synchronization
import XCTest

/// A room endpoint that what it hears silences (the AI participant's barge-in) leaves the mix in
/// the same tick: the others hear silence from the tick of the onset, not one tick later.
final class RoomEndpointOrderTests: XCTestCase {
    /// Says a 1 kHz tone until it hears anything, then stops for good (and says so once).
    final class Talker: RoomEndpoint, @unchecked Sendable {
        let sampleRate = 16000
        var stopped = false
        private var phase = 0.0

        func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
            guard !stopped, AudioAnalysis.rms(Array(frame)) > 300 else { return false }
            stopped = true
            return true
        }

        func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
            guard !stopped else { return false }
            for i in frame.indices {
                frame[i] = Int16(6000 * sin(phase))
                phase += 2 * Double.pi * 1000 / Double(sampleRate)
            }
            return true
        }
    }

    /// Silent until `startTick`, then a 400 Hz voice; records the level of what it hears per tick.
    final class Caller: RoomEndpoint, @unchecked Sendable {
        let sampleRate = 16000
        let startTick: Int
        var tick = 0
        var heardLevels: [Double] = []

        init(startTick: Int) { self.startTick = startTick }

        func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
            heardLevels.append(AudioAnalysis.rms(Array(frame)))
            return false
        }

        func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
            defer { tick += 1 }
            guard tick >= startTick else { return false }
            for i in frame.indices { frame[i] = Int16(5000 * sin(2 * Double.pi * 400 * Double(i) / Double(sampleRate))) }
            return true
        }
    }

    func testASilencedEndpointLeavesTheMixOfTheTickThatSilencedIt() {
        let room = RoomState(id: 1, sampleRate: 16000) { _ in }
        let talker = Talker()
        let caller = Caller(startTick: 5)
        // A G.711 phone in the room that only listens (nothing arrives from it): what it is sent
        // each tick is the encoded frame the stream's send path keeps.
        let phone = StreamState(id: 9, fd: -1, rtcpFD: -1, localPort: 0, jitterDepth: 2, mediaTimeoutSeconds: 0,
                                logger: Logger(label: "test"), onEvent: { _ in })
        phone.transmitsPackets = false
        phone.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 40_000), codec: .pcmu, payloadType: 0,
                                        telephoneEventPayloadType: nil, ptime: 20, direction: .sendrecv, remoteHold: false))
        room.add(RoomState.Member(id: 1, kind: .endpoint(talker), rate: 16000, roomRate: 16000, roomFrame: 320))
        room.add(RoomState.Member(id: 2, kind: .endpoint(caller), rate: 16000, roomRate: 16000, roomFrame: 320))
        room.add(RoomState.Member(id: 3, kind: .stream(phone), rate: 8000, roomRate: 16000, roomFrame: 320))
        var toneLevels: [Double] = []
        for _ in 0..<10 {
            room.tick()
            let pcm = phone.scratch.payload.map(G711.decodeMuLaw)
            toneLevels.append(AudioAnalysis.amplitude(of: 1000, in: pcm, sampleRate: 8000))
        }
        XCTAssertTrue(talker.stopped)
        // Ticks 1-4 carry the talker's 1 kHz; tick 5 (the caller's first word silenced it) has
        // at most the resampler's few samples of it, later ticks none.
        XCTAssertTrue(toneLevels[1..<5].allSatisfy { $0 > 2000 }, "\(toneLevels)")
        XCTAssertLessThan(toneLevels[5], 1000, "the silenced talker still went out in its last tick: \(toneLevels)")
        XCTAssertTrue(toneLevels[6...].allSatisfy { $0 < 100 }, "\(toneLevels)")
    }
}
