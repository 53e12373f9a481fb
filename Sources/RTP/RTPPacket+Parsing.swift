extension RTPPacket {
    /// Parses one RTP packet from exactly the bytes of one datagram.
    ///
    /// Every read is preceded by a length check, so arbitrary input throws rather than traps.
    /// The payload is copied out; `bytes` need not outlive the call.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPError) {
        let header = try RTPHeader(parsing: bytes)
        var csrcs: [UInt32] = []
        if header.csrcCount > 0 {
            csrcs.reserveCapacity(header.csrcCount)
            for index in 0..<header.csrcCount {
                csrcs.append(bytes.bigEndianUInt32(at: Self.fixedHeaderSize + 4 * index))
            }
        }
        var headerExtension: RTPHeaderExtension?
        if header.hasExtension {
            // The header parser checked that the extension fits before the payload.
            let start = Self.fixedHeaderSize + 4 * header.csrcCount
            let dataStart = start + 4
            let data = dataStart < header.payloadOffset
                ? Array(UnsafeRawBufferPointer(rebasing: bytes[dataStart..<header.payloadOffset])) : []
            headerExtension = RTPHeaderExtension(profile: bytes.bigEndianUInt16(at: start), data: data)
        }
        self.init(
            payloadType: header.payloadType,
            sequenceNumber: header.sequenceNumber,
            timestamp: header.timestamp,
            ssrc: header.ssrc,
            marker: header.marker,
            payload: header.payloadCount > 0 ? Array(header.payload(in: bytes)) : [],
            csrcs: csrcs,
            headerExtension: headerExtension,
            paddingLength: header.paddingLength
        )
    }

    /// Parses one RTP packet from a byte array.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<RTPPacket, RTPError> = bytes.withUnsafeBytes { raw in
            Result { () throws(RTPError) in try RTPPacket(parsing: raw) }
        }
        self = try result.get()
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
