import CMediaShims
import Codecs
import Foundation

/// `parley bench room`: the cost of one room tick, in process (no sockets), with the same stages a
/// room runs: per member decode → rate bridge to the room's rate → talker detection, one N-1 mix,
/// then per listener the way back (the shared G.711 encoding for members who said nothing, an own
/// mix, conversion and encoding for talkers and Opus members). Never a test: figures for the notes.
public enum RoomBenchmark {
    public struct Result: Sendable {
        public var members: Int
        public var talkers: Int
        public var codec: String
        public var roomRate: Int
        /// Median and 99th percentile CPU time of one tick (µs), on this thread.
        public var tickMedianMicroseconds: Double
        public var tickP99Microseconds: Double
        public var perMemberMicroseconds: Double { members > 0 ? tickMedianMicroseconds / Double(members) : 0 }
        /// Members one core could mix within the 20 ms tick at this cost.
        public var membersPerCore: Int { perMemberMicroseconds > 0 ? Int(20_000 / perMemberMicroseconds) : 0 }
    }

    private final class Member {
        var encoder: any AudioEncoder
        var decoder: any AudioDecoder
        let rate: Int
        var up: RateBridge
        var down: RateBridge
        var payload: [UInt8]
        var decoded: [Int16] = []
        var out: [Int16]
        var encoded: [UInt8] = []
        var talker = TalkerDetector()

        init(opus: Bool, roomRate: Int, tone: Double?) throws {
            let factory = CodecFactory()
            let codec: CodecDescription = opus ? .opus() : .pcmu
            var encoder = try factory.makeEncoder(for: codec, frameDuration: 20)
            decoder = try factory.makeDecoder(for: codec, sampleRate: encoder.sampleRate, channels: 1)
            rate = encoder.sampleRate
            self.encoder = encoder
            up = RateBridge(from: rate, to: roomRate)
            down = RateBridge(from: roomRate, to: rate)
            out = [Int16](repeating: 0, count: encoder.frameSize)
            var pcm = [Int16](repeating: 0, count: encoder.frameSize)
            if let tone {
                for i in pcm.indices { pcm[i] = Int16(6000 * sin(2 * Double.pi * tone * Double(i) / Double(rate))) }
            }
            payload = []
            try pcm.withUnsafeBufferPointer { buf throws(CodecError) in try encoder.encode(buf, into: &payload) }
            self.encoder = encoder
            decoded.reserveCapacity(encoder.frameSize * 2)
            encoded.reserveCapacity(1500)
        }
    }

    /// Runs `ticks` room ticks with `members` members of which `talkers` send a tone (the rest silence).
    public static func run(members: Int, talkers: Int, opus: Bool = false, roomRate: Int = 16000, ticks: Int = 500) throws -> Result {
        let frame = roomRate / 50
        let all = try (0..<members).map { i in try Member(opus: opus, roomRate: roomRate, tone: i < talkers ? 300 + Double(i) * 170 : nil) }
        var mixer = AudioMixer(frameSize: frame)
        var channels = (0..<members).map { _ in MixerChannel(frameSize: frame) }
        var sharedBridge = RateBridge(from: roomRate, to: 8000)
        var sharedFrame = [Int16](repeating: 0, count: 160)
        var sharedPayload: [UInt8] = []
        let sharedEncoder = G711(law: .mu)
        var times: [UInt64] = []
        times.reserveCapacity(ticks)
        for _ in 0..<ticks {
            let start = pn_thread_cpu_ns()
            for (i, m) in all.enumerated() {
                m.decoded.removeAll(keepingCapacity: true)
                m.payload.withUnsafeBytes { raw in
                    do { try m.decoder.decode(raw, into: &m.decoded) } catch {}
                }
                m.decoded.withUnsafeBufferPointer { m.up.push($0) }
                let has = m.up.pop(into: &channels[i].input)
                _ = has ? channels[i].input.withUnsafeBufferPointer { m.talker.feed($0) } : m.talker.feedSilence()
                channels[i].contributes = has && m.talker.talking
            }
            mixer.mix(&channels)
            var sharedReady = false
            for (i, m) in all.enumerated() {
                if channels[i].usesSharedMix && !opus {
                    if !sharedReady {
                        mixer.sharedMix.withUnsafeBufferPointer { sharedBridge.push($0) }
                        _ = sharedBridge.pop(into: &sharedFrame)
                        sharedPayload.removeAll(keepingCapacity: true)
                        sharedFrame.withUnsafeBufferPointer { sharedEncoder.encode($0, into: &sharedPayload) }
                        sharedReady = true
                    }
                    m.encoded.removeAll(keepingCapacity: true)
                    m.encoded.append(contentsOf: sharedPayload)
                    continue
                }
                let heard = channels[i].usesSharedMix ? mixer.sharedMix : channels[i].output
                heard.withUnsafeBufferPointer { m.down.push($0) }
                if m.down.pop(into: &m.out) {
                    m.encoded.removeAll(keepingCapacity: true)
                    m.out.withUnsafeBufferPointer { buf in
                        do { try m.encoder.encode(buf, into: &m.encoded) } catch {}
                    }
                }
            }
            times.append(pn_thread_cpu_ns() &- start)
        }
        times.sort()
        let median = Double(times[times.count / 2]) / 1000
        let p99 = Double(times[min(times.count - 1, times.count * 99 / 100)]) / 1000
        return Result(members: members, talkers: talkers, codec: opus ? "opus" : "PCMU", roomRate: roomRate,
                      tickMedianMicroseconds: median, tickP99Microseconds: p99)
    }
}

#if canImport(Glibc)
import Glibc
#endif
