/// The header of one RTP packet (RFC 3550 §5.1) read in place: the fixed fields plus where the
/// payload lies in the datagram.
///
/// This is the receive hot path's view of a packet. Parsing copies nothing and allocates nothing:
/// CSRCs, the header extension and the payload stay in the caller's buffer, and
/// ``payload(in:)`` hands the payload back as a slice of it. ``RTPPacket/init(parsing:)-(UnsafeRawBufferPointer)``
/// is built on this parser and copies what it needs out.
public struct RTPHeader: Sendable, Equatable {
    /// M: for audio, the first packet of a talkspurt (RFC 3551 §4.1).
    public var marker: Bool
    /// PT: 7 bits.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// The CC field: CSRCs start at byte 12 of the datagram.
    public var csrcCount: Int
    /// X: a header extension follows the CSRCs and ends where the payload starts.
    public var hasExtension: Bool
    /// Where the payload starts in the datagram.
    public var payloadOffset: Int
    /// Payload bytes, padding excluded.
    public var payloadCount: Int
    /// Padding octets including the trailing count octet; 0 when the P bit is clear.
    public var paddingLength: UInt8

    public init(
        payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, marker: Bool = false,
        csrcCount: Int = 0, hasExtension: Bool = false, payloadOffset: Int = RTPPacket.fixedHeaderSize,
        payloadCount: Int = 0, paddingLength: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcCount = csrcCount
        self.hasExtension = hasExtension
        self.payloadOffset = payloadOffset
        self.payloadCount = payloadCount
        self.paddingLength = paddingLength
    }

    /// Reads the header of one datagram. Every read is preceded by a length check, so arbitrary
    /// input throws rather than traps; valid input costs no allocation.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPError) {
        let total = bytes.count
        guard total >= RTPPacket.fixedHeaderSize else {
            throw RTPError(.tooShort, "\(total) bytes, the fixed header needs \(RTPPacket.fixedHeaderSize)")
        }
        let first = bytes[0]
        let version = first >> 6
        guard version == 2 else {
            throw RTPError(.badVersion, "version \(version), expected 2")
        }
        let csrcCount = Int(first & 0x0F)
        var offset = RTPPacket.fixedHeaderSize + 4 * csrcCount
        guard offset <= total else {
            throw RTPError(.badCSRCCount, "CC=\(csrcCount) needs \(offset) bytes, packet has \(total)")
        }
        let hasExtension = first & 0x10 != 0
        if hasExtension {
            // RFC 3550 §5.3.1: profile (16 bits), length in 32-bit words (16 bits), data.
            guard offset + 4 <= total else {
                throw RTPError(.badExtension, "X bit set but only \(total - offset) bytes remain for the 4-byte extension header")
            }
            let words = Int(bytes.bigEndianUInt16(at: offset + 2))
            let end = offset + 4 + 4 * words
            guard end <= total else {
                throw RTPError(.badExtension, "extension length \(words) words needs \(end) bytes, packet has \(total)")
            }
            offset = end
        }
        var end = total
        var paddingLength: UInt8 = 0
        if first & 0x20 != 0 {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            guard end > offset else {
                throw RTPError(.badPadding, "P bit set but no octets follow the \(offset)-byte header")
            }
            paddingLength = bytes[end - 1]
            guard paddingLength > 0 else {
                throw RTPError(.badPadding, "P bit set with a padding count of 0")
            }
            guard Int(paddingLength) <= end - offset else {
                throw RTPError(.badPadding, "padding count \(paddingLength) exceeds the \(end - offset) octets after the header")
            }
            end -= Int(paddingLength)
        }
        let second = bytes[1]
        self.init(
            payloadType: second & 0x7F,
            sequenceNumber: bytes.bigEndianUInt16(at: 2),
            timestamp: bytes.bigEndianUInt32(at: 4),
            ssrc: bytes.bigEndianUInt32(at: 8),
            marker: second & 0x80 != 0,
            csrcCount: csrcCount,
            hasExtension: hasExtension,
            payloadOffset: offset,
            payloadCount: end - offset,
            paddingLength: paddingLength
        )
    }

    /// The payload's place in the datagram the header was parsed from.
    public var payloadRange: Range<Int> { payloadOffset..<(payloadOffset + payloadCount) }

    /// The payload as a slice of `datagram` (the bytes this header was parsed from), or an empty
    /// buffer when `datagram` is too short to hold it.
    public func payload(in datagram: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard payloadCount > 0, payloadOffset >= 0, payloadOffset + payloadCount <= datagram.count else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(rebasing: datagram[payloadRange])
    }
}

extension RTPHeader {
    /// Writes the 12-byte fixed header (version 2; no padding, extension or CSRCs, whatever the
    /// header says about them) at the start of `buffer` and returns 12, or nil (writing nothing)
    /// when `buffer` is shorter. The send hot path writes the payload after it itself.
    public func serializeFixedHeader(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let size = RTPPacket.fixedHeaderSize
        guard buffer.count >= size, let base = buffer.baseAddress else { return nil }
        base.storeBytes(of: UInt8(2 << 6), as: UInt8.self)
        base.storeBytes(of: (marker ? 0x80 : 0) | (payloadType & 0x7F), toByteOffset: 1, as: UInt8.self)
        base.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        base.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        base.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        return size
    }
}

extension RTPPacket {
    /// The header fields of this packet, laid out as ``serialize(into:)`` writes it.
    public var header: RTPHeader {
        var offset = Self.fixedHeaderSize + 4 * serializedCSRCCount
        if let headerExtension { offset += 4 + 4 * headerExtension.serializedWordCount }
        return RTPHeader(
            payloadType: payloadType & 0x7F, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc,
            marker: marker, csrcCount: serializedCSRCCount, hasExtension: headerExtension != nil,
            payloadOffset: offset, payloadCount: payload.count, paddingLength: paddingLength
        )
    }
}
