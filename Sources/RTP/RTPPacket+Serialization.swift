extension RTPPacket {
    /// Writes the packet at the start of `buffer` and returns the number of bytes written, or nil
    /// (writing nothing) when `buffer` is smaller than ``serializedSize``.
    ///
    /// This is the hot-path variant: it allocates nothing, so a media loop can reuse one buffer.
    public func serialize(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let size = serializedSize
        guard buffer.count >= size, let base = buffer.baseAddress else { return nil }

        let csrcCount = serializedCSRCCount
        var first = UInt8(2 << 6) | UInt8(csrcCount)
        if paddingLength > 0 { first |= 0x20 }
        if headerExtension != nil { first |= 0x10 }
        base.storeBytes(of: first, as: UInt8.self)
        base.storeBytes(of: (marker ? 0x80 : 0) | (payloadType & 0x7F), toByteOffset: 1, as: UInt8.self)
        base.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        base.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        base.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)

        var offset = Self.fixedHeaderSize
        for index in 0..<csrcCount {
            base.storeBytes(of: csrcs[index].bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
        }

        if let headerExtension {
            let words = headerExtension.serializedWordCount
            base.storeBytes(of: headerExtension.profile.bigEndian, toByteOffset: offset, as: UInt16.self)
            base.storeBytes(of: UInt16(words).bigEndian, toByteOffset: offset + 2, as: UInt16.self)
            offset += 4
            let byteCount = 4 * words
            let copied = Self.copy(headerExtension.data, limit: byteCount, to: base + offset)
            (base + offset + copied).initializeMemory(as: UInt8.self, repeating: 0, count: byteCount - copied)
            offset += byteCount
        }

        offset += Self.copy(payload, limit: payload.count, to: base + offset)

        if paddingLength > 0 {
            // Zero filler, then the count octet (RFC 3550 §5.1).
            let filler = Int(paddingLength) - 1
            (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: filler)
            base.storeBytes(of: paddingLength, toByteOffset: offset + filler, as: UInt8.self)
            offset += Int(paddingLength)
        }
        return offset
    }

    /// Appends the serialized packet to `buffer`.
    public func serialize(into buffer: inout [UInt8]) {
        let start = buffer.count
        let size = serializedSize
        buffer.append(contentsOf: repeatElement(0, count: size))
        buffer.withUnsafeMutableBytes { raw in
            _ = serialize(into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + size)]))
        }
    }

    /// The packet's wire bytes.
    public func serialized() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: serializedSize) { buffer, initialized in
            initialized = serialize(into: UnsafeMutableRawBufferPointer(buffer)) ?? 0
        }
    }

    /// Copies up to `limit` bytes of `bytes` to `destination`; returns how many were copied.
    @inline(__always)
    private static func copy(_ bytes: [UInt8], limit: Int, to destination: UnsafeMutableRawPointer) -> Int {
        let count = min(bytes.count, limit)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            if let sourceBase = source.baseAddress {
                destination.copyMemory(from: sourceBase, byteCount: count)
            }
        }
        return count
    }
}
