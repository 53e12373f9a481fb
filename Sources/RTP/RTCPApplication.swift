/// An application-defined packet, APP (RFC 3550 §6.7), packet type 204, kept raw: Parley
/// defines no APP packets, it only passes them through intact.
///
/// ```
/// |V=2|P| subtype |   PT=APP=204  |             length            |
/// |                           SSRC/CSRC                           |
/// |                          name (ASCII)                         |
/// |                   application-dependent data                  |
/// ```
public struct RTCPApplication: Sendable, Equatable {
    /// A 5-bit field; higher bits are dropped when serializing.
    public var subtype: UInt8
    public var ssrc: UInt32
    /// Four bytes of ASCII name. Shorter names are padded with spaces, longer ones cut.
    public var name: [UInt8]
    /// Application data. Serialized zero-padded to a 32-bit boundary.
    public var data: [UInt8]

    public init(subtype: UInt8, ssrc: UInt32, name: String, data: [UInt8] = []) {
        self.init(subtype: subtype, ssrc: ssrc, nameBytes: Array(name.utf8), data: data)
    }

    public init(subtype: UInt8, ssrc: UInt32, nameBytes: [UInt8], data: [UInt8] = []) {
        self.subtype = subtype
        self.ssrc = ssrc
        self.name = nameBytes
        self.data = data
    }

    /// The name as text.
    public var nameText: String { String(decoding: name, as: UTF8.self) }

    init(count: Int, reading reader: inout RTCPByteReader) throws(RTCPError) {
        let ssrc = try reader.uint32("APP SSRC")
        let name = try reader.bytes(4, "APP name")
        self.init(subtype: UInt8(count), ssrc: ssrc, nameBytes: name, data: reader.rest())
    }

    var serializedSize: Int { 12 + (data.count + 3) / 4 * 4 }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendRTCPHeader(count: Int(subtype & 0x1F), packetType: RTCPPacketType.application, bodyLength: serializedSize - 4)
        buffer.appendBigEndian(ssrc)
        let fixedName = Array(name.prefix(4))
        buffer.append(contentsOf: fixedName + Array(repeating: UInt8(ascii: " "), count: 4 - fixedName.count))
        buffer.appendPaddedToWord(data)
    }
}

/// Any other RTCP packet (RTPFB/PSFB feedback, XR, future types), kept raw so a compound
/// containing it still parses and re-serializes unchanged.
public struct RTCPUnknownPacket: Sendable, Equatable {
    public var packetType: UInt8
    /// The 5-bit count/format field.
    public var count: UInt8
    /// Everything after the 4-byte header. Serialized zero-padded to a 32-bit boundary.
    public var body: [UInt8]

    public init(packetType: UInt8, count: UInt8, body: [UInt8]) {
        self.packetType = packetType
        self.count = count
        self.body = body
    }

    var serializedSize: Int { 4 + (body.count + 3) / 4 * 4 }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendRTCPHeader(count: Int(count & 0x1F), packetType: packetType, bodyLength: serializedSize - 4)
        buffer.appendPaddedToWord(body)
    }
}
