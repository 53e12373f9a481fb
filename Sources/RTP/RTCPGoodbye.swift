/// A goodbye, BYE (RFC 3550 §6.6), packet type 203: the sources that are leaving, and
/// optionally why.
///
/// ```
/// |V=2|P|    SC   |   PT=BYE=203  |             length            |
/// |                           SSRC/CSRC                           |  SC times
/// |     length    |               reason for leaving ...          |  optional
/// ```
public struct RTCPGoodbye: Sendable, Equatable {
    /// SC is a 5-bit field: at most 31 sources are serialized.
    public static let maximumSourceCount = 31

    public var sources: [UInt32]
    /// The reason's bytes (UTF-8 text), nil when absent. At most 255 bytes are serialized.
    public var reasonBytes: [UInt8]?

    public init(sources: [UInt32], reason: String? = nil) {
        self.sources = sources
        self.reasonBytes = reason.map { Array($0.utf8) }
    }

    /// The reason decoded as UTF-8 (invalid sequences replaced).
    public var reason: String? {
        get { reasonBytes.map { String(decoding: $0, as: UTF8.self) } }
        set { reasonBytes = newValue.map { Array($0.utf8) } }
    }

    init(count: Int, reading reader: inout RTCPByteReader) throws(RTCPError) {
        guard 4 * count <= reader.remaining else {
            throw RTCPError(.badCount, at: reader.packetStart, "BYE announces \(count) sources, only \(reader.remaining) bytes remain")
        }
        var sources: [UInt32] = []
        for _ in 0..<count {
            sources.append(try reader.uint32("BYE SSRC"))
        }
        self.sources = sources
        reasonBytes = nil
        if reader.remaining > 0 {
            let length = Int(try reader.uint8("BYE reason length"))
            reasonBytes = try reader.bytes(length, "BYE reason", kind: .badReason)
        }
    }

    var serializedSize: Int {
        var size = 4 + 4 * min(sources.count, Self.maximumSourceCount)
        if let reasonBytes { size += (1 + min(reasonBytes.count, 255) + 3) / 4 * 4 }
        return size
    }

    func serialize(into buffer: inout [UInt8]) {
        let count = min(sources.count, Self.maximumSourceCount)
        buffer.appendRTCPHeader(count: count, packetType: RTCPPacketType.goodbye, bodyLength: serializedSize - 4)
        for source in sources.prefix(count) { buffer.appendBigEndian(source) }
        if let reasonBytes {
            let reason = Array(reasonBytes.prefix(255))
            buffer.appendPaddedToWord([UInt8(reason.count)] + reason)
        }
    }
}
