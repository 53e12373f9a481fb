/// Bounds-checked big-endian reads over the body of one RTCP packet.
///
/// Every read checks what remains first, so malformed input throws instead of trapping. Offsets
/// in errors are absolute (from the start of the compound input) to help locate the culprit.
struct RTCPByteReader {
    let bytes: [UInt8]
    /// Where the current packet started, for error offsets.
    let packetStart: Int
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int, to end: Int, packetStart: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.packetStart = packetStart
    }

    var remaining: Int { end - position }

    mutating func uint8(_ what: @autoclosure () -> String) throws(RTCPError) -> UInt8 {
        try need(1, what())
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint16(_ what: @autoclosure () -> String) throws(RTCPError) -> UInt16 {
        try need(2, what())
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func uint32(_ what: @autoclosure () -> String) throws(RTCPError) -> UInt32 {
        try need(4, what())
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    mutating func bytes(_ count: Int, _ what: @autoclosure () -> String, kind: RTCPError.Kind = .tooShort) throws(RTCPError) -> [UInt8] {
        try need(count, what(), kind: kind)
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Everything left in the packet body.
    mutating func rest() -> [UInt8] {
        defer { position = end }
        return Array(bytes[position..<end])
    }

    mutating func skip(_ count: Int) {
        position = min(end, position + count)
    }

    private func need(_ count: Int, _ what: String, kind: RTCPError.Kind = .tooShort) throws(RTCPError) {
        guard count >= 0, count <= remaining else {
            throw RTCPError(kind, at: packetStart, "\(what) needs \(count) bytes, \(remaining) remain")
        }
    }
}

/// Big-endian appends for serializers.
extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Writes the common header (RFC 3550 §6.4.1) for a packet of `bodyLength` bytes after it;
    /// the body must already be a whole number of 32-bit words.
    mutating func appendRTCPHeader(count: Int, packetType: UInt8, bodyLength: Int) {
        append(0x80 | UInt8(truncatingIfNeeded: Swift.min(count, 31)))
        append(packetType)
        appendBigEndian(UInt16(truncatingIfNeeded: (bodyLength + 4) / 4 - 1))
    }
}
