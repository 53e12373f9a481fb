/// The G.711 segment algorithm, one sample at a time (the reference the lookup tables are built
/// from). Samples are 16-bit; µ-law works on their top 14 bits and A-law on their top 13
/// (ITU-T G.711 Tables 1 and 2, scaled by 4 and 8 respectively).
///
/// Negative samples use the ones'-complement magnitude `~x` (as the ITU-T G.191 reference does),
/// which keeps both laws symmetric: µ-law maps -4...-1 to negative zero (0x7F) just as 0...3 map
/// to positive zero (0xFF), and A-law maps -16...-1 to -8 just as 0...15 map to +8.
extension G711 {
    /// µ-law bias in 14-bit units: segment boundaries fall at (32 << s) - 33.
    static let muLawBias = 33
    /// The largest biased 14-bit magnitude; above it µ-law clips to its top code.
    static let muLawBiasedClip = 0x1FFF

    /// Encodes one sample as a µ-law code (sign bit set for positive, all bits inverted).
    public static func encodeMuLaw(_ sample: Int16) -> UInt8 {
        let negative = sample < 0
        let magnitude = Int(negative ? ~sample : sample) >> muLawDroppedBits
        let biased = min(magnitude + muLawBias, muLawBiasedClip)
        // biased is in [32 << s, 64 << s) for segment s, so its top set bit is bit 5 + s.
        let segment = (Int.bitWidth - 1 - biased.leadingZeroBitCount) - 5
        let mantissa = (biased >> (segment + 1)) & 0x0F
        let code = UInt8(truncatingIfNeeded: segment << 4 | mantissa)
        return ~code & (negative ? 0x7F : 0xFF)
    }

    /// Decodes one µ-law code to the centre of its quantization interval.
    public static func decodeMuLaw(_ code: UInt8) -> Int16 {
        let bits = ~code
        let segment = Int(bits >> 4) & 0x07
        let mantissa = Int(bits & 0x0F)
        let magnitude = (((2 * mantissa + muLawBias) << segment) - muLawBias) << muLawDroppedBits
        return Int16(truncatingIfNeeded: bits & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// Encodes one sample as an A-law code (sign bit set for positive, even bits inverted).
    public static func encodeALaw(_ sample: Int16) -> UInt8 {
        let negative = sample < 0
        let magnitude = Int(negative ? ~sample : sample) >> aLawDroppedBits  // 0...2047
        let segment: Int
        let mantissa: Int
        if magnitude < 16 {
            segment = 0
            mantissa = magnitude
        } else {
            // magnitude is in [16 << (s - 1), 32 << (s - 1)) for segment s >= 1.
            segment = (Int.bitWidth - 1 - magnitude.leadingZeroBitCount) - 3
            mantissa = (magnitude >> (segment - 1)) & 0x0F
        }
        let code = UInt8(truncatingIfNeeded: segment << 4 | mantissa) | (negative ? 0x00 : 0x80)
        return code ^ 0x55
    }

    /// Decodes one A-law code to the centre of its quantization interval.
    public static func decodeALaw(_ code: UInt8) -> Int16 {
        let bits = code ^ 0x55
        let segment = Int(bits >> 4) & 0x07
        let mantissa = Int(bits & 0x0F)
        var magnitude = mantissa << 4 | 8
        if segment > 0 {
            magnitude = ((mantissa | 0x10) << 4 | 8) << (segment - 1)
        }
        return Int16(truncatingIfNeeded: bits & 0x80 != 0 ? magnitude : -magnitude)
    }
}
