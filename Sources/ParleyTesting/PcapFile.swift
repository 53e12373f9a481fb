import Foundation

/// A minimal reader for classic libpcap capture files (not pcapng), enough to pull the UDP
/// payloads out of the SIPp telephone-event captures kept in `Tests/RTPTests/Fixtures/`.
///
/// Handles both byte orders, micro- and nanosecond timestamps, Ethernet (with 802.1Q tags),
/// Linux cooked and raw IP link types, IPv4 and IPv6. Anything else throws ``PcapError``.
public struct PcapFile: Sendable {
    /// One UDP datagram and when it was captured, in microseconds since the first packet.
    public struct Datagram: Sendable {
        public var time: Int64
        public var sourcePort: UInt16
        public var destinationPort: UInt16
        public var payload: [UInt8]
    }

    public struct PcapError: Error, CustomStringConvertible {
        public var reason: String
        public var offset: Int
        public var description: String { "pcap: \(reason) at byte \(offset)" }
    }

    public private(set) var datagrams: [Datagram] = []

    /// Reads a capture stored beside this source file (tests never read /usr/share).
    public init(fixture name: String, file: String = #filePath) throws {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let url = directory.appendingPathComponent("Fixtures").appendingPathComponent(name)
        try self.init(bytes: [UInt8](try Data(contentsOf: url)))
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 24 else { throw PcapError(reason: "short global header", offset: 0) }
        let magic = Self.read32(bytes, 0, littleEndian: false)
        let littleEndian: Bool
        let nanoseconds: Bool
        switch magic {
        case 0xA1B2_C3D4: (littleEndian, nanoseconds) = (false, false)
        case 0xD4C3_B2A1: (littleEndian, nanoseconds) = (true, false)
        case 0xA1B2_3C4D: (littleEndian, nanoseconds) = (false, true)
        case 0x4D3C_B2A1: (littleEndian, nanoseconds) = (true, true)
        default: throw PcapError(reason: "magic \(String(magic, radix: 16)) is not classic pcap", offset: 0)
        }
        let linkType = Self.read32(bytes, 20, littleEndian: littleEndian)
        var offset = 24
        var firstTime: Int64?
        while offset < bytes.count {
            guard offset + 16 <= bytes.count else { throw PcapError(reason: "short record header", offset: offset) }
            let seconds = Int64(Self.read32(bytes, offset, littleEndian: littleEndian))
            let fraction = Int64(Self.read32(bytes, offset + 4, littleEndian: littleEndian))
            let length = Int(Self.read32(bytes, offset + 8, littleEndian: littleEndian))
            let start = offset + 16
            guard length <= bytes.count - start else {
                throw PcapError(reason: "record of \(length) bytes runs past the end", offset: offset)
            }
            let micros = seconds * 1_000_000 + (nanoseconds ? fraction / 1000 : fraction)
            let base = firstTime ?? micros
            firstTime = base
            if var datagram = try Self.udp(in: Array(bytes[start..<(start + length)]), linkType: linkType, at: start) {
                datagram.time = micros - base
                datagrams.append(datagram)
            }
            offset = start + length
        }
    }

    /// The UDP datagram in one captured frame, or nil when the frame is not UDP.
    private static func udp(in frame: [UInt8], linkType: UInt32, at position: Int) throws -> Datagram? {
        var offset: Int
        var etherType: UInt16
        switch linkType {
        case 1:  // Ethernet
            guard frame.count >= 14 else { throw PcapError(reason: "short Ethernet header", offset: position) }
            etherType = read16(frame, 12)
            offset = 14
            while etherType == 0x8100, frame.count >= offset + 4 {
                etherType = read16(frame, offset + 2)
                offset += 4
            }
        case 113:  // Linux cooked capture
            guard frame.count >= 16 else { throw PcapError(reason: "short SLL header", offset: position) }
            etherType = read16(frame, 14)
            offset = 16
        case 101, 228, 229:  // raw IP
            guard let first = frame.first else { return nil }
            etherType = first >> 4 == 6 ? 0x86DD : 0x0800
            offset = 0
        default:
            throw PcapError(reason: "link type \(linkType) not supported", offset: position)
        }
        var protocolNumber: UInt8
        switch etherType {
        case 0x0800:
            guard frame.count >= offset + 20 else { throw PcapError(reason: "short IPv4 header", offset: position + offset) }
            let headerLength = Int(frame[offset] & 0x0F) * 4
            protocolNumber = frame[offset + 9]
            offset += headerLength
        case 0x86DD:
            guard frame.count >= offset + 40 else { throw PcapError(reason: "short IPv6 header", offset: position + offset) }
            protocolNumber = frame[offset + 6]
            offset += 40
        default:
            return nil
        }
        guard protocolNumber == 17 else { return nil }
        guard frame.count >= offset + 8 else { throw PcapError(reason: "short UDP header", offset: position + offset) }
        let udpLength = Int(read16(frame, offset + 4))
        guard udpLength >= 8, offset + udpLength <= frame.count else {
            throw PcapError(reason: "UDP length \(udpLength) does not fit the frame", offset: position + offset)
        }
        return Datagram(
            time: 0, sourcePort: read16(frame, offset), destinationPort: read16(frame, offset + 2),
            payload: Array(frame[(offset + 8)..<(offset + udpLength)])
        )
    }

    private static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int, littleEndian: Bool) -> UInt32 {
        let value = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        return littleEndian ? value.byteSwapped : value
    }
}
