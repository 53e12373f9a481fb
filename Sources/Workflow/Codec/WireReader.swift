/// Reads values written by ``WireWriter``. Every read checks bounds and returns a typed
/// ``WireError``; nothing here traps on malformed input.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    public var isAtEnd: Bool { offset >= end }

    public mutating func readVarint(_ context: String = "varint") throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            guard offset < end else { throw WireError(.truncated, offset: offset, context: context) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 {
                throw WireError(.malformedVarint, offset: offset - 1, context: context)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw WireError(.malformedVarint, offset: offset, context: context)
    }

    public mutating func readSigned(_ context: String = "signed") throws(WireError) -> Int64 {
        let raw = try readVarint(context)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readByte(_ context: String = "byte") throws(WireError) -> UInt8 {
        guard offset < end else { throw WireError(.truncated, offset: offset, context: context) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readBool(_ context: String = "bool") throws(WireError) -> Bool {
        let byte = try readByte(context)
        guard byte <= 1 else { throw WireError(.outOfRange(Int64(byte)), offset: offset - 1, context: context) }
        return byte == 1
    }

    public mutating func readDouble(_ context: String = "double") throws(WireError) -> Double {
        guard end - offset >= 8 else { throw WireError(.truncated, offset: offset, context: context) }
        var bits: UInt64 = 0
        for index in 0..<8 {
            bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index))
        }
        offset += 8
        return Double(bitPattern: bits)
    }

    /// Reads a count (a length or an element count) and checks it fits in what is left.
    public mutating func readCount(_ context: String = "count", elementSize: Int = 1) throws(WireError) -> Int {
        let start = offset
        let raw = try readVarint(context)
        let remaining = UInt64(end - offset)
        guard raw <= remaining / UInt64(max(elementSize, 1)) else {
            throw WireError(.outOfRange(Int64(truncatingIfNeeded: raw)), offset: start, context: context)
        }
        return Int(raw)
    }

    public mutating func readString(_ context: String = "string") throws(WireError) -> String {
        let count = try readCount(context)
        let start = offset
        offset += count
        let slice = bytes[start..<(start + count)]
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw WireError(.invalidUTF8, offset: start, context: context)
        }
        return text
    }

    public mutating func readBytes(_ context: String = "bytes") throws(WireError) -> [UInt8] {
        let count = try readCount(context)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    public mutating func read<T: WireCodable>(_ type: T.Type = T.self) throws(WireError) -> T {
        try T(from: &self)
    }

    /// Fails if anything is left: a top-level value must use the whole buffer.
    public func expectEnd(_ context: String) throws(WireError) {
        guard offset == end else { throw WireError(.trailingBytes(end - offset), offset: offset, context: context) }
    }

    /// An error at the current offset, for conformances that meet an unknown tag.
    public func unknownTag(_ tag: UInt64, _ context: String) -> WireError {
        WireError(.unknownTag(tag), offset: offset, context: context)
    }
}
