/// Appends values in Parley's compact log encoding: LEB128 varints (zig-zag for signed),
/// length-prefixed UTF-8 strings and byte strings, fixed 8-byte little-endian doubles.
/// It is the only codec on the replay path; Foundation JSON stays off it (31 µs per event).
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(varint value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func write(signed value: Int64) {
        // Zig-zag so small negative numbers stay short.
        write(varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func write(byte value: UInt8) {
        bytes.append(value)
    }

    public mutating func write(bool value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    public mutating func write(double value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    public mutating func write(string value: String) {
        let utf8 = value.utf8
        let count = utf8.count
        write(varint: UInt64(count))
        let appended = utf8.withContiguousStorageIfAvailable { buffer in
            bytes.append(contentsOf: buffer)
            return true
        }
        if appended == nil {
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func write(bytes value: [UInt8]) {
        write(varint: UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func write<T: WireCodable>(_ value: T) {
        value.encode(to: &self)
    }
}
