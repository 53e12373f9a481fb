#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders comfort noise (RFC 3389) at the level the last CN packet announced: white noise of
/// the right RMS, which §4 allows when the spectral parameters are absent or ignored (we ignore
/// them). Deterministic for a given seed and allocation-free, so it can run on the media tick.
///
/// The level is in -dBov: 0 dBov is the RMS of a full-scale 16-bit square wave (32 767), so a
/// level of `L` gives noise of RMS 32 767 · 10^(-L/20).
public struct ComfortNoiseGenerator: Sendable {
    /// RMS of 0 dBov in 16-bit linear PCM.
    public static let fullScaleRMS = 32_767.0

    /// The level being rendered, in -dBov.
    public private(set) var level: UInt8
    /// The RMS that level asks for.
    public private(set) var rms: Double
    /// Scale from the sum of four uniform variates (variance 4/12 of the unit range) to `rms`.
    private var scale: Float
    private var state: UInt64

    /// A generator at `level` -dBov (127, the quietest, until told otherwise).
    public init(level: UInt8 = ComfortNoisePayload.quietestLevel, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.level = 0
        rms = 0
        scale = 0
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
        setLevel(level)
    }

    /// Takes the level of a new CN packet.
    public mutating func setLevel(_ level: UInt8) {
        self.level = min(level, ComfortNoisePayload.quietestLevel)
        rms = Self.rms(ofLevel: self.level)
        // Four U(-0.5, 0.5) summed: variance 4/12, close to Gaussian and bounded at ±2.
        scale = Float(rms / (4.0 / 12.0).squareRoot())
    }

    /// RMS amplitude of `level` -dBov.
    public static func rms(ofLevel level: UInt8) -> Double {
        fullScaleRMS * pow(10, -Double(level) / 20)
    }

    /// Fills `out` with noise, clipping at full scale.
    public mutating func render(into out: UnsafeMutableBufferPointer<Int16>) {
        for index in out.indices { out[index] = nextSample() }
    }

    /// Appends `count` samples of noise to `out` (no allocation when `out` has the capacity).
    public mutating func append(count: Int, to out: inout [Int16]) {
        guard count > 0 else { return }
        out.reserveCapacity(out.count + count)
        for _ in 0..<count { out.append(nextSample()) }
    }

    /// One sample of noise, clipped at full scale.
    private mutating func nextSample() -> Int16 {
        let value = (uniform() + uniform() + uniform() + uniform()) * scale
        return Int16(max(-32_768, min(32_767, value.rounded())))
    }

    /// A uniform variate in [-0.5, 0.5) from xorshift64*.
    private mutating func uniform() -> Float {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        let bits = (state &* 0x2545_F491_4F6C_DD1D) >> 40  // 24 random bits
        return Float(bits) / Float(1 << 24) - 0.5
    }
}
