import Agent
import Codecs
import Foundation
import Glibc
import Logging
import Media
import RTP
import Speech
import Synchronization
import Workflow

/// `parley bench barge-in`: speech onset → the agent silent **on the wire**, through the real
/// media engine. A loopback UDP socket plays the caller's phone (G.711 µ-law, 20 ms packets, in
/// real time); its stream is in a 16 kHz room with the AI participant, which says a long line.
/// Once the phone hears the agent, it starts talking (espeak-ng speech, leading silence trimmed):
/// the onset is the send time of the first speech packet; the agent is silent at the arrival of
/// the first of 25 near-silent packets in a row from Parley (half a second: no pause in its own
/// speech is that long). The figure includes everything a real
/// caller sees: Parley's jitter buffer, the room tick, the VAD's minimum-speech guard and the
/// next sent frame.
public enum BargeInWireBenchmark {
    public struct Report: Sendable {
        public var rounds: Int
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var maxMilliseconds: Double
        /// Rounds where the agent never went quiet (barge-in missed).
        public var missed: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case agentNeverSpoke
        public var description: String {
            switch self {
            case .socket(let what): "loopback socket: \(what)"
            case .agentNeverSpoke: "the agent's voice never reached the phone"
            }
        }
    }

    /// Packets of near-silence in a row that count as the agent having stopped.
    static let quietRun = 25

    /// What the phone received: arrival time and loudness of each packet.
    private final class Heard: @unchecked Sendable {
        let packets = Mutex<[(at: UInt64, rms: Double)]>([])
    }

    /// The caller starts with a held vowel: the onset is then one sharp moment (a phrase that
    /// opens with a stop or a fricative is quieter than the echo guard allows for its first
    /// tens of milliseconds, which would measure the phrase, not Parley).
    public static let defaultCallerText = "oh, wait a moment, I have a question"

    public static func run(definition: AgentDefinition, rounds: Int, ports: ClosedRange<Int>, jitterFrames: Int = 2,
                           callerText: String = defaultCallerText) async throws -> Report {
        let quietLogger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let engine = try MediaEngine(configuration: .init(address: "127.0.0.1", portRange: ports, threads: 1,
                                                      jitterBufferFrames: jitterFrames),
                                     logger: quietLogger)
        engine.start()
        defer { engine.stop() }
        let phone = try PhoneSocket()
        defer { phone.close() }
        let room = engine.openRoom(sampleRate: 16000)
        defer { room.close() }
        let stream = try engine.openStream(logger: quietLogger, in: room) { _ in }
        defer { stream.close() }
        stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: phone.port), codec: .pcmu, payloadType: 0,
                                         telephoneEventPayloadType: 101, ptime: 20, direction: .sendrecv, remoteHold: false, rtcpMux: true))
        room.add(stream)
        var agent = definition
        agent.bargeIn.enabled = true
        let participant = try AgentParticipant(definition: agent, conversation: WorkflowID("barge-in-bench"),
                                               recognizer: SpeechRecognizer(), synthesizer: .shared, callerRate: 8000,
                                               caller: "bench", callee: "9000", logger: quietLogger)
        defer { participant.stop() }
        _ = room.add(endpoint: participant)
        participant.startPump()

        let speech = try trimmedSpeech(callerText)
        let heard = Heard()
        let listening = Atomic<Bool>(true)
        let listener = Thread {
            while listening.load(ordering: .relaxed) {
                guard let payload = phone.receive(timeoutMilliseconds: 50) else { continue }
                let pcm = payload.map(G711.decodeMuLaw)
                let rms = (pcm.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, pcm.count))).squareRoot()
                heard.packets.withLock { $0.append((monotonicNanoseconds(), rms)) }
            }
        }
        listener.start()
        defer { listening.store(false, ordering: .relaxed) }

        var latencies: [Double] = []
        var missed = 0
        var sender = PhoneSender(socket: phone, to: stream.localPort)
        for _ in 0..<max(1, rounds) {
            let line = "Thank you for calling. We are open Monday to Friday from nine to six, and on Saturdays from ten to two. "
            Task { _ = await participant.say(line + line) }
            // Silence until the agent has been audible for half a second.
            var loudSince: UInt64?
            var waited = 0
            while waited < 500 {
                sender.send(silence: true, speech: speech)
                waited += 1
                let last = heard.packets.withLock { $0.last }
                if let last, last.rms > 300 {
                    if loudSince == nil { loudSince = last.at }
                    if let since = loudSince, last.at - since > 500_000_000 { break }
                } else {
                    loudSince = nil
                }
            }
            guard loudSince != nil else { throw Failure.agentNeverSpoke }
            // Talk: the first speech packet's send time is the onset.
            sender.startSpeech()
            let onset = sender.send(silence: false, speech: speech)
            // Silent: the first packet of a run of half a second of near-silence (longer than
            // any pause in the agent's own speech, so a pause is not taken for the barge-in).
            var silentAt: UInt64?
            for _ in 0..<150 where silentAt == nil {
                sender.send(silence: !sender.speaking, speech: speech)
                let after = heard.packets.withLock { $0.filter { $0.at > onset } }
                var run = 0
                for (index, packet) in after.enumerated() {
                    run = packet.rms < 100 ? run + 1 : 0
                    if run == quietRun { silentAt = after[index - quietRun + 1].at; break }
                }
            }
            if let silentAt {
                latencies.append(Double(silentAt - onset) / 1e6)
            } else {
                missed += 1
                participant.interrupt()
            }
            // Finish the sentence, then two seconds of silence before the next round.
            while sender.speaking { sender.send(silence: false, speech: speech) }
            for _ in 0..<100 { sender.send(silence: true, speech: speech) }
            heard.packets.withLock { $0.removeAll() }
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Report(rounds: latencies.count + missed, p50Milliseconds: pct(0.5), p95Milliseconds: pct(0.95),
                      maxMilliseconds: latencies.last ?? 0, missed: missed)
    }

    /// espeak-ng at 8 kHz without its leading and trailing silence, at a normal talking level.
    static func trimmedSpeech(_ text: String) throws -> [Int16] {
        let samples = try SpeechSynthesizer.shared.synthesizeAll(text, options: SynthesisOptions(sampleRate: 8000)).samples
        guard let first = samples.firstIndex(where: { abs(Int($0)) > 1000 }),
              let last = samples.lastIndex(where: { abs(Int($0)) > 1000 }) else { return samples }
        return Array(samples[first...last])
    }

    /// The phone's sending side: one µ-law packet every 20 ms on a steady clock.
    struct PhoneSender {
        let socket: PhoneSocket
        let port: Int
        var sequence: UInt16 = 1
        var timestamp: UInt32 = 0
        var next = monotonicNanoseconds()
        var position = 0
        var speaking = false

        init(socket: PhoneSocket, to port: Int) {
            self.socket = socket
            self.port = port
        }

        mutating func startSpeech() {
            position = 0
            speaking = true
        }

        /// Waits for the next 20 ms slot, sends one packet, returns its send time.
        @discardableResult
        mutating func send(silence: Bool, speech: [Int16]) -> UInt64 {
            next += 20_000_000
            let now = monotonicNanoseconds()
            if next > now { usleep(UInt32((next - now) / 1000)) }
            var frame = [Int16](repeating: 0, count: 160)
            if !silence, speaking {
                for i in 0..<160 where position + i < speech.count { frame[i] = speech[position + i] }
                position += 160
                if position >= speech.count { speaking = false }
            }
            let packet = RTPPacket(payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0x5EED,
                                   payload: frame.map(G711.encodeMuLaw))
            sequence &+= 1
            timestamp &+= 160
            let sentAt = monotonicNanoseconds()
            socket.send(packet.serialized(), to: port)
            return sentAt
        }
    }
}

/// Monotonic nanoseconds.
private func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// A UDP socket on 127.0.0.1 standing in for the caller's phone.
final class PhoneSocket: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init() throws(BargeInWireBenchmark.Failure) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw .socket("socket() failed") }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw .socket("bind() failed")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        fd = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(clamping: port).bigEndian
        return address
    }

    func send(_ bytes: [UInt8], to port: Int) {
        var address = Self.loopback(port: port)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// One datagram's RTP payload (12-byte header skipped, RTCP ignored), or nil after the timeout.
    func receive(timeoutMilliseconds: Int32) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 12, let header = try? RTPPacket(parsing: Array(buffer[0..<count])), header.payloadType == 0 else { return nil }
        return header.payload
    }

    func close() { Glibc.close(fd) }
}
