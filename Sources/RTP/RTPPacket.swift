/// An RTP data packet (RFC 3550 §5.1) as a plain value that parses and serializes itself.
///
/// The `RTP` module owns the RTP wire format, RFC 4733 telephone events, wrap-aware sequence and
/// timestamp arithmetic and a caller-driven jitter buffer. It is sans-I/O: it never opens a socket,
/// never reads a clock and knows nothing of SIP, SDP or codecs. Callers hand it bytes and ticks and
/// get values back; parsing untrusted bytes never traps, it throws a typed ``RTPError``.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers             |  0...15 × 32 bits
/// |   header extension (profile, length in words, data)  if X     |
/// |   payload ...                 |  padding ... | padding count  |  if P
/// ```
///
/// Serializing is total: values that cannot be represented are clamped rather than rejected
/// (see ``serializedSize``), so anything produced by parsing serializes back byte for byte,
/// except that padding bytes other than the final count are always written as zero.
public struct RTPPacket: Sendable, Equatable {
    /// The fixed header is 12 bytes (RFC 3550 §5.1).
    public static let fixedHeaderSize = 12
    /// The CSRC count is a 4-bit field.
    public static let maximumCSRCCount = 15

    /// M: profile-defined; for audio it marks the first packet of a talkspurt (RFC 3551 §4.1).
    public var marker: Bool
    /// PT: 7 bits. Higher bits are dropped when serializing.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Contributing sources. Only the first ``maximumCSRCCount`` are serialized.
    public var csrcs: [UInt32]
    public var headerExtension: RTPHeaderExtension?
    public var payload: [UInt8]
    /// Total padding octets including the trailing count octet (RFC 3550 §5.1, P bit); 0 = none.
    public var paddingLength: UInt8

    public init(
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32,
        marker: Bool = false,
        payload: [UInt8] = [],
        csrcs: [UInt32] = [],
        headerExtension: RTPHeaderExtension? = nil,
        paddingLength: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// The number of CSRCs that will be written (the CC field).
    var serializedCSRCCount: Int { min(csrcs.count, Self.maximumCSRCCount) }

    /// Bytes ``serialize(into:)`` writes: fixed header, CSRCs (at most 15), the extension (data
    /// zero-padded to whole 32-bit words, at most 65535 words), payload and padding.
    public var serializedSize: Int {
        var size = Self.fixedHeaderSize + 4 * serializedCSRCCount + payload.count + Int(paddingLength)
        if let headerExtension {
            size += 4 + 4 * headerExtension.serializedWordCount
        }
        return size
    }
}

extension RTPPacket: CustomStringConvertible {
    public var description: String {
        var text = "RTP(pt: \(payloadType), seq: \(sequenceNumber), ts: \(timestamp), ssrc: \(ssrc)"
        if marker { text += ", marker" }
        if !csrcs.isEmpty { text += ", csrcs: \(csrcs)" }
        if let headerExtension { text += ", ext: \(headerExtension.profile)/\(headerExtension.data.count)B" }
        if paddingLength > 0 { text += ", padding: \(paddingLength)" }
        return text + ", payload: \(payload.count)B)"
    }
}
