extension RTPPacket {
    /// Parses one RTP packet from exactly the bytes of one datagram.
    ///
    /// Every read is preceded by a length check, so arbitrary input throws rather than traps.
    /// The payload is copied out; `bytes` need not outlive the call.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPError) {
        let total = bytes.count
        guard total >= Self.fixedHeaderSize else {
            throw RTPError(.tooShort, "\(total) bytes, the fixed header needs \(Self.fixedHeaderSize)")
        }
        let first = bytes[0]
        let version = first >> 6
        guard version == 2 else {
            throw RTPError(.badVersion, "version \(version), expected 2")
        }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)

        let second = bytes[1]
        let marker = second & 0x80 != 0
        let payloadType = second & 0x7F
        let sequenceNumber = bytes.bigEndianUInt16(at: 2)
        let timestamp = bytes.bigEndianUInt32(at: 4)
        let ssrc = bytes.bigEndianUInt32(at: 8)

        var offset = Self.fixedHeaderSize
        let csrcEnd = offset + 4 * csrcCount
        guard csrcEnd <= total else {
            throw RTPError(.badCSRCCount, "CC=\(csrcCount) needs \(csrcEnd) bytes, packet has \(total)")
        }
        var csrcs: [UInt32] = []
        if csrcCount > 0 {
            csrcs.reserveCapacity(csrcCount)
            for index in 0..<csrcCount {
                csrcs.append(bytes.bigEndianUInt32(at: offset + 4 * index))
            }
        }
        offset = csrcEnd

        var headerExtension: RTPHeaderExtension?
        if hasExtension {
            headerExtension = try Self.parseExtension(bytes, at: &offset)
        }

        var end = total
        var paddingLength: UInt8 = 0
        if hasPadding {
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

        self.init(
            payloadType: payloadType,
            sequenceNumber: sequenceNumber,
            timestamp: timestamp,
            ssrc: ssrc,
            marker: marker,
            payload: offset < end ? Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) : [],
            csrcs: csrcs,
            headerExtension: headerExtension,
            paddingLength: paddingLength
        )
    }

    /// Parses one RTP packet from a byte array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<RTPPacket, RTPError> = bytes.withUnsafeBytes { raw in
            Result { () throws(RTPError) in try RTPPacket(parsing: raw) }
        }
        self = try result.get()
    }

    /// Reads the RFC 3550 §5.3.1 extension starting at `offset` and moves `offset` past it.
    private static func parseExtension(
        _ bytes: UnsafeRawBufferPointer,
        at offset: inout Int
    ) throws(RTPError) -> RTPHeaderExtension {
        guard offset + 4 <= bytes.count else {
            throw RTPError(.badExtension, "X bit set but only \(bytes.count - offset) bytes remain for the 4-byte extension header")
        }
        let profile = bytes.bigEndianUInt16(at: offset)
        let words = Int(bytes.bigEndianUInt16(at: offset + 2))
        let dataStart = offset + 4
        let dataEnd = dataStart + 4 * words
        guard dataEnd <= bytes.count else {
            throw RTPError(.badExtension, "extension length \(words) words needs \(dataEnd) bytes, packet has \(bytes.count)")
        }
        offset = dataEnd
        let data = words > 0 ? Array(UnsafeRawBufferPointer(rebasing: bytes[dataStart..<dataEnd])) : []
        return RTPHeaderExtension(profile: profile, data: data)
    }
}

extension UnsafeRawBufferPointer {
    /// Callers have checked `offset + 2 <= count`.
    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// Callers have checked `offset + 4 <= count`.
    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}
