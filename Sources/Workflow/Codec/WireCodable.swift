/// A value that writes itself in the compact log encoding and reads itself back.
/// Workflow inputs, signals, updates, activity outputs and states conform, so histories and
/// snapshots never go through Foundation coders.
public protocol WireCodable: Sendable {
    func encode(to writer: inout WireWriter)
    init(from reader: inout WireReader) throws(WireError)
}

extension WireCodable {
    /// The value's bytes on their own.
    public func wireBytes() -> [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes a value that must fill `bytes` exactly.
    public init(wireBytes bytes: [UInt8]) throws(WireError) {
        var reader = WireReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd(String(describing: Self.self))
    }
}

extension String: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(string: self) }
    public init(from reader: inout WireReader) throws(WireError) { self = try reader.readString() }
}

extension Bool: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(bool: self) }
    public init(from reader: inout WireReader) throws(WireError) { self = try reader.readBool() }
}

extension Int: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(signed: Int64(self)) }
    public init(from reader: inout WireReader) throws(WireError) {
        let value = try reader.readSigned("Int")
        guard let narrowed = Int(exactly: value) else {
            throw WireError(.outOfRange(value), offset: reader.offset, context: "Int")
        }
        self = narrowed
    }
}

extension Int64: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(signed: self) }
    public init(from reader: inout WireReader) throws(WireError) { self = try reader.readSigned("Int64") }
}

extension UInt64: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(varint: self) }
    public init(from reader: inout WireReader) throws(WireError) { self = try reader.readVarint("UInt64") }
}

extension Double: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(double: self) }
    public init(from reader: inout WireReader) throws(WireError) { self = try reader.readDouble() }
}

extension Duration: WireCodable {
    /// Whole nanoseconds, enough for any timer or retry interval this engine handles.
    public func encode(to writer: inout WireWriter) { writer.write(signed: nanoseconds) }
    public init(from reader: inout WireReader) throws(WireError) {
        self = .nanoseconds(try reader.readSigned("Duration"))
    }

    /// The duration in whole nanoseconds, saturating at the Int64 range.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }
}

extension Optional: WireCodable where Wrapped: WireCodable {
    public func encode(to writer: inout WireWriter) {
        switch self {
        case .none: writer.write(byte: 0)
        case .some(let value):
            writer.write(byte: 1)
            value.encode(to: &writer)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("Optional") {
        case 0: self = .none
        case 1: self = .some(try Wrapped(from: &reader))
        case let tag: throw reader.unknownTag(UInt64(tag), "Optional")
        }
    }
}

extension Array: WireCodable where Element: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(varint: UInt64(count))
        for element in self { element.encode(to: &writer) }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        // Every element takes at least one byte, so the count is bounded by what is left.
        let count = try reader.readCount("Array")
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element(from: &reader)) }
        self = elements
    }
}

/// Encodes a dictionary as key-sorted pairs so equal dictionaries give equal bytes.
extension Dictionary: WireCodable where Key: WireCodable & Comparable, Value: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(varint: UInt64(count))
        for key in keys.sorted() {
            key.encode(to: &writer)
            self[key]?.encode(to: &writer)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        let count = try reader.readCount("Dictionary", elementSize: 2)
        var result: [Key: Value] = [:]
        result.reserveCapacity(count)
        for _ in 0..<count {
            let key = try Key(from: &reader)
            result[key] = try Value(from: &reader)
        }
        self = result
    }
}
