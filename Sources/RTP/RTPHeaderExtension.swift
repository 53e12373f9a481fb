/// The RTP header extension (RFC 3550 §5.3.1): a 16-bit profile-defined identifier followed by
/// data whose length is a whole number of 32-bit words.
///
/// ```
/// |      defined by profile       |           length              |
/// |                        header extension                       |
/// ```
///
/// The data is kept opaque. RFC 8285 element parsing (one-byte `0xBEDE` and two-byte `0x100x`
/// profiles) belongs to whoever negotiated the extensions, not to the wire format.
public struct RTPHeaderExtension: Sendable, Equatable {
    /// RFC 8285 §4.2 one-byte header profile.
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// RFC 8285 §4.3 two-byte header profile (the low 4 bits are "appbits").
    public static let twoByteProfile: UInt16 = 0x1000
    /// The length field counts 32-bit words in 16 bits.
    public static let maximumDataCount = 4 * Int(UInt16.max)

    /// The "defined by profile" field.
    public var profile: UInt16
    /// Extension data. Should be a multiple of 4 bytes long; when it is not, serializing pads it
    /// with zero bytes, and data beyond ``maximumDataCount`` is dropped.
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8] = []) {
        self.profile = profile
        self.data = data
    }

    /// True when the value serializes without padding or truncation.
    public var isWellFormed: Bool {
        data.count % 4 == 0 && data.count <= Self.maximumDataCount
    }

    /// The value of the length field: whole words, the data rounded up and clamped.
    var serializedWordCount: Int {
        min((data.count + 3) / 4, Int(UInt16.max))
    }
}
