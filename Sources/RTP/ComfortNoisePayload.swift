/// An RFC 3389 comfort noise payload: the level of the background noise the sender stopped
/// transmitting, and optionally its spectral envelope as quantized reflection coefficients.
///
/// ```
///  0 1 2 3 4 5 6 7
/// +-+-+-+-+-+-+-+-+
/// |0|   level     |  noise level in -dBov (0 = overload point, 127 = -127 dBov)
/// +-+-+-+-+-+-+-+-+
/// |     N1        |  reflection coefficients 1..M (optional, §3.2)
/// +-+-+-+-+-+-+-+-+
/// |     ...       |
/// ```
///
/// dBov is relative to the overload point of the system (RFC 3389 §3.1): in 16-bit linear PCM a
/// full-scale square wave (RMS 32 767) is 0 dBov. Parsing never traps; an empty payload throws.
public struct ComfortNoisePayload: Sendable, Equatable {
    /// The static payload type RFC 3551 assigns to CN/8000.
    public static let staticPayloadType: UInt8 = 13
    /// The quietest level the 7-bit field can say.
    public static let quietestLevel: UInt8 = 127

    /// Noise level in -dBov, 0...127 (the reserved top bit is dropped).
    public var level: UInt8
    /// Quantized reflection coefficients (RFC 3389 §3.2), empty when the sender sent none.
    public var reflectionCoefficients: [UInt8]

    public init(level: UInt8, reflectionCoefficients: [UInt8] = []) {
        self.level = min(level, Self.quietestLevel)
        self.reflectionCoefficients = reflectionCoefficients
    }

    /// Parses a CN payload (the RTP payload, not the packet).
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard let level = Self.level(in: payload) else {
            throw RTPError(.tooShort, "comfort noise payload of 0 bytes, needs the 1-byte noise level")
        }
        self.init(level: level, reflectionCoefficients: Array(payload.dropFirst()))
    }

    public init(parsing payload: [UInt8]) throws(RTPError) {
        let result: Result<ComfortNoisePayload, RTPError> = payload.withUnsafeBytes { raw in
            Result { () throws(RTPError) in try ComfortNoisePayload(parsing: raw) }
        }
        self = try result.get()
    }

    /// The noise level of a CN payload without copying it (the hot path), nil when empty.
    public static func level(in payload: UnsafeRawBufferPointer) -> UInt8? {
        guard let first = payload.first else { return nil }
        return first & 0x7F
    }

    /// The level in dBov (0 or below).
    public var dBov: Double { -Double(level) }

    /// The payload bytes (the reserved bit written as 0).
    public func serialized() -> [UInt8] {
        [level & 0x7F] + reflectionCoefficients
    }
}
