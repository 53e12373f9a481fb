/// One member's slot in a mix: what it says this tick and how it hears the others.
public struct MixerChannel: Sendable {
    /// The member's audio for this tick at the room's rate (``AudioMixer/frameSize`` samples).
    public var input: [Int16]
    /// The member speaks this tick (has audio, is not muted, and passed the talker gate).
    public var contributes = false
    /// Gain applied to what the member says, in 1/1024 (1024 = unity).
    public var inputGain: Int32 = 1024
    /// The member hears the room (false when deaf).
    public var hears = true
    /// Gain applied to what the member hears, in 1/1024.
    public var outputGain: Int32 = 1024
    /// What the member hears this tick: everyone but itself. Valid when ``hears`` and not
    /// ``usesSharedMix``.
    public var output: [Int16]
    /// The member hears exactly ``AudioMixer/sharedMix`` (it said nothing and hears at unity gain),
    /// so encoders may share one encoding between all such members of a codec.
    public private(set) var usesSharedMix = false

    public init(frameSize: Int) {
        input = [Int16](repeating: 0, count: frameSize)
        output = [Int16](repeating: 0, count: frameSize)
    }

    mutating func markShared(_ shared: Bool) { usesSharedMix = shared }
}

/// N-1 mixing for one room tick, pure and allocation-free after set-up: every member hears the
/// sum of everyone else at the room's rate. The sum of all contributions is built once (32-bit,
/// so no intermediate clipping); each speaking member's output is that sum minus its own share,
/// and every member that said nothing hears the same ``sharedMix``, computed once. The cost is
/// therefore O(talkers × frame) plus a copy-free share for listeners.
public struct AudioMixer: Sendable {
    public let frameSize: Int
    /// The sum of every contribution (32-bit, unclipped).
    public private(set) var total: [Int32]
    /// `total` clipped to 16 bits: what a silent member hears, and what a recording of the room holds.
    public private(set) var sharedMix: [Int16]
    /// Members that contributed to the last mix.
    public private(set) var contributors = 0
    private var ownShare: [Int32]

    public init(frameSize: Int) {
        self.frameSize = frameSize
        total = [Int32](repeating: 0, count: frameSize)
        sharedMix = [Int16](repeating: 0, count: frameSize)
        ownShare = [Int32](repeating: 0, count: frameSize)
    }

    /// Mixes one tick. Channels whose `input` or `output` is shorter than ``frameSize`` are skipped.
    public mutating func mix(_ channels: inout [MixerChannel]) {
        let n = frameSize
        contributors = 0
        total.withUnsafeMutableBufferPointer { sum in
            for i in 0..<n { sum[i] = 0 }
            for c in channels.indices where channels[c].contributes && channels[c].input.count >= n {
                contributors += 1
                let gain = channels[c].inputGain
                channels[c].input.withUnsafeBufferPointer { input in
                    if gain == 1024 {
                        for i in 0..<n { sum[i] &+= Int32(input[i]) }
                    } else {
                        for i in 0..<n { sum[i] &+= (Int32(input[i]) &* gain) >> 10 }
                    }
                }
            }
            sharedMix.withUnsafeMutableBufferPointer { shared in
                for i in 0..<n { shared[i] = Self.clip(sum[i]) }
            }
        }
        channels.withUnsafeMutableBufferPointer { chans in
            for c in chans.indices {
                guard chans[c].hears, chans[c].output.count >= n else {
                    chans[c].markShared(false)
                    continue
                }
                let own = chans[c].contributes && chans[c].input.count >= n
                let outGain = chans[c].outputGain
                if !own && outGain == 1024 {
                    chans[c].markShared(true)
                    continue
                }
                chans[c].markShared(false)
                let inGain = chans[c].inputGain
                if own {
                    // The member's own share, scaled as it went into the sum.
                    chans[c].input.withUnsafeBufferPointer { input in
                        ownShare.withUnsafeMutableBufferPointer { share in
                            for i in 0..<n { share[i] = inGain == 1024 ? Int32(input[i]) : (Int32(input[i]) &* inGain) >> 10 }
                        }
                    }
                }
                total.withUnsafeBufferPointer { sum in
                    ownShare.withUnsafeBufferPointer { share in
                        chans[c].output.withUnsafeMutableBufferPointer { out in
                            for i in 0..<n {
                                var v = sum[i]
                                if own { v &-= share[i] }
                                if outGain != 1024 { v = (v &* outGain) >> 10 }
                                out[i] = Self.clip(v)
                            }
                        }
                    }
                }
            }
        }
    }

    /// What channel `c` hears after ``mix(_:)``: its own output or the shared mix.
    public func heard(by channel: MixerChannel) -> [Int16] {
        channel.usesSharedMix ? sharedMix : channel.output
    }

    @inline(__always)
    static func clip(_ v: Int32) -> Int16 {
        Int16(clamping: v)
    }

    /// Converts a volume step (-4...4, FreeSWITCH-style: each step ≈ 3 dB) to a gain in 1/1024.
    public static func gain(forVolumeStep step: Int) -> Int32 {
        let clamped = max(-4, min(4, step))
        let table: [Int32] = [256, 362, 512, 724, 1024, 1448, 2048, 2896, 4096]
        return table[clamped + 4]
    }
}
