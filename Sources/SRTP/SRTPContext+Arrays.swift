/// Array conveniences for tests and cold paths (signalling-time probes, tools). They may
/// allocate when the array grows; media loops use the buffer variants on a reused buffer.
extension SRTPContext {
    /// Protects the RTP packet in `packet`, growing it by the tag.
    public func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, room: suite.rtpOverhead) { buffer, length throws(SRTPError) in
            try protectRTP(buffer, length: length)
        }
    }

    /// Unprotects the SRTP packet in `packet`, shrinking it to the RTP packet. On failure
    /// `packet` is unchanged.
    public func unprotectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, room: 0) { buffer, length throws(SRTPError) in
            try unprotectRTP(buffer, length: length)
        }
    }

    /// Protects the RTCP packet in `packet`, growing it by the SRTCP index and tag.
    public func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, room: suite.rtcpOverhead) { buffer, length throws(SRTPError) in
            try protectRTCP(buffer, length: length)
        }
    }

    /// Unprotects the SRTCP packet in `packet`, shrinking it to the RTCP packet. On failure
    /// `packet` is unchanged.
    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try transform(&packet, room: 0) { buffer, length throws(SRTPError) in
            try unprotectRTCP(buffer, length: length)
        }
    }

    /// Runs `body` on a copy of `packet` with `room` spare bytes, and stores the result only when
    /// it succeeds (libsrtp2 may have decrypted part of a packet before its tag failed).
    private func transform(
        _ packet: inout [UInt8],
        room: Int,
        _ body: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
    ) throws(SRTPError) {
        let length = packet.count
        var work = packet
        work.append(contentsOf: repeatElement(0, count: room))
        let result: Result<Int, SRTPError> = work.withUnsafeMutableBytes { buffer in
            Result { () throws(SRTPError) in try body(buffer, length) }
        }
        let newLength = try result.get()
        work.removeSubrange(newLength...)
        packet = work
    }
}
