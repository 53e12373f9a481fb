/// One RTCP packet (RFC 3550 §6) as a plain value that parses and serializes itself.
///
/// RTCP travels as compound packets: several packets back to back in one datagram, the first
/// an SR or RR (see ``RTCPCompoundPacket``). Every packet starts with the same header:
///
/// ```
/// |V=2|P|  count  |      PT       |  length (32-bit words − 1)    |
/// ```
///
/// Parsing checks every length before reading, so arbitrary bytes throw an ``RTCPError`` rather
/// than trap. Padding (the P bit, allowed on the last packet only) is removed when parsing and
/// never written. Serializing is total: counts beyond what a 5-bit field holds and texts longer
/// than 255 bytes are cut, so a value produced by parsing unpadded input serializes back byte
/// for byte.
public enum RTCPPacket: Sendable, Equatable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case goodbye(RTCPGoodbye)
    case application(RTCPApplication)
    /// Feedback, XR and anything else, kept raw.
    case other(RTCPUnknownPacket)

    /// The common header is 4 bytes.
    public static let headerSize = 4

    /// Parses the packets laid end to end in `bytes` (one UDP datagram after SRTCP), in order,
    /// without requiring the first to be a report (RFC 5506 reduced-size RTCP allows that).
    public static func packets(parsing bytes: [UInt8]) throws(RTCPError) -> [RTCPPacket] {
        guard !bytes.isEmpty else { throw RTCPError(.empty, "no bytes") }
        var packets: [RTCPPacket] = []
        var offset = 0
        while offset < bytes.count {
            let (packet, length) = try parseOne(bytes, at: offset)
            packets.append(packet)
            offset += length
        }
        return packets
    }

    /// Parses the packet at `offset`; returns it and its length including padding.
    private static func parseOne(_ bytes: [UInt8], at offset: Int) throws(RTCPError) -> (RTCPPacket, Int) {
        guard bytes.count - offset >= headerSize else {
            throw RTCPError(.tooShort, at: offset, "\(bytes.count - offset) bytes left, a header needs \(headerSize)")
        }
        let first = bytes[offset]
        guard first >> 6 == 2 else {
            throw RTCPError(.badVersion, at: offset, "version \(first >> 6), expected 2")
        }
        let count = Int(first & 0x1F)
        let packetType = bytes[offset + 1]
        let length = 4 * (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 1)
        guard length <= bytes.count - offset else {
            throw RTCPError(.badLength, at: offset, "length field says \(length) bytes, \(bytes.count - offset) remain")
        }
        var bodyEnd = offset + length
        if first & 0x20 != 0 {
            // RFC 3550 A.2: only the last packet of a compound may be padded.
            guard bodyEnd == bytes.count else {
                throw RTCPError(.badPadding, at: offset, "padding on a packet that is not the last one")
            }
            let padding = Int(bytes[bodyEnd - 1])
            // RFC 3550 §6.4.1: the count includes itself and is a multiple of four.
            guard padding >= 4, padding % 4 == 0, padding <= length - headerSize else {
                throw RTCPError(.badPadding, at: offset, "padding count \(padding) in a \(length)-byte packet")
            }
            bodyEnd -= padding
        }
        var reader = RTCPByteReader(bytes, from: offset + headerSize, to: bodyEnd, packetStart: offset)
        let packet: RTCPPacket
        switch packetType {
        case RTCPPacketType.senderReport:
            packet = .senderReport(try RTCPSenderReport(count: count, reading: &reader))
        case RTCPPacketType.receiverReport:
            packet = .receiverReport(try RTCPReceiverReport(count: count, reading: &reader))
        case RTCPPacketType.sourceDescription:
            packet = .sourceDescription(try RTCPSourceDescription(count: count, reading: &reader))
        case RTCPPacketType.goodbye:
            packet = .goodbye(try RTCPGoodbye(count: count, reading: &reader))
        case RTCPPacketType.application:
            packet = .application(try RTCPApplication(count: count, reading: &reader))
        default:
            packet = .other(RTCPUnknownPacket(packetType: packetType, count: UInt8(count), body: reader.rest()))
        }
        return (packet, length)
    }

    /// The packet type (PT) field.
    public var packetType: UInt8 {
        switch self {
        case .senderReport: RTCPPacketType.senderReport
        case .receiverReport: RTCPPacketType.receiverReport
        case .sourceDescription: RTCPPacketType.sourceDescription
        case .goodbye: RTCPPacketType.goodbye
        case .application: RTCPPacketType.application
        case .other(let packet): packet.packetType
        }
    }

    /// Bytes ``serialize(into:)`` appends.
    public var serializedSize: Int {
        switch self {
        case .senderReport(let packet): packet.serializedSize
        case .receiverReport(let packet): packet.serializedSize
        case .sourceDescription(let packet): packet.serializedSize
        case .goodbye(let packet): packet.serializedSize
        case .application(let packet): packet.serializedSize
        case .other(let packet): packet.serializedSize
        }
    }

    /// Appends the packet's wire bytes to `buffer`.
    public func serialize(into buffer: inout [UInt8]) {
        switch self {
        case .senderReport(let packet): packet.serialize(into: &buffer)
        case .receiverReport(let packet): packet.serialize(into: &buffer)
        case .sourceDescription(let packet): packet.serialize(into: &buffer)
        case .goodbye(let packet): packet.serialize(into: &buffer)
        case .application(let packet): packet.serialize(into: &buffer)
        case .other(let packet): packet.serialize(into: &buffer)
        }
    }

    /// The packet's wire bytes.
    public func serialized() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(serializedSize)
        serialize(into: &buffer)
        return buffer
    }

    /// The report blocks of an SR or RR; empty for other packets.
    public var reportBlocks: [RTCPReportBlock] {
        switch self {
        case .senderReport(let report): report.reports
        case .receiverReport(let report): report.reports
        default: []
        }
    }
}
