/// A compound RTCP packet (RFC 3550 §6.1): the packets of one datagram, the first an SR or RR.
///
/// A well-formed compound is a report (SR or RR), an SDES with our CNAME, then optionally
/// others, with BYE last when leaving. Parsing enforces only the first rule, as the validity
/// check of RFC 3550 Appendix A.2 does; ``makeReport(_:cname:ssrc:)`` builds the usual shape.
public struct RTCPCompoundPacket: Sendable, Equatable {
    public var packets: [RTCPPacket]

    public init(packets: [RTCPPacket]) {
        self.packets = packets
    }

    /// Parses a compound packet; throws `.notCompound` when the first packet is not SR or RR.
    public init(parsing bytes: [UInt8]) throws(RTCPError) {
        let packets = try RTCPPacket.packets(parsing: bytes)
        switch packets.first {
        case .senderReport, .receiverReport:
            self.init(packets: packets)
        default:
            let type = packets.first.map { String($0.packetType) } ?? "none"
            throw RTCPError(.notCompound, "first packet has type \(type), a compound starts with SR (200) or RR (201)")
        }
    }

    /// A report followed by an SDES carrying `cname` for `ssrc`, as RFC 3550 §6.1 requires.
    public static func makeReport(_ report: RTCPPacket, cname: String, ssrc: UInt32) -> RTCPCompoundPacket {
        RTCPCompoundPacket(packets: [report, .sourceDescription(RTCPSourceDescription(ssrc: ssrc, cname: cname))])
    }

    /// The first packet when it is an SR.
    public var senderReport: RTCPSenderReport? {
        if case .senderReport(let report)? = packets.first { return report }
        return nil
    }

    /// Every report block in the compound, from SRs and RRs alike.
    public var reportBlocks: [RTCPReportBlock] {
        packets.flatMap(\.reportBlocks)
    }

    /// The CNAME the compound gives for `ssrc`, if any.
    public func cname(for ssrc: UInt32) -> String? {
        for case .sourceDescription(let description) in packets {
            if let chunk = description.chunks.first(where: { $0.source == ssrc }), let cname = chunk.cname {
                return cname
            }
        }
        return nil
    }

    /// Whether the compound contains a BYE for `ssrc`.
    public func containsGoodbye(from ssrc: UInt32) -> Bool {
        packets.contains { packet in
            if case .goodbye(let bye) = packet { return bye.sources.contains(ssrc) }
            return false
        }
    }

    public var serializedSize: Int {
        packets.reduce(0) { $0 + $1.serializedSize }
    }

    /// Appends every packet's wire bytes to `buffer`.
    public func serialize(into buffer: inout [UInt8]) {
        for packet in packets { packet.serialize(into: &buffer) }
    }

    public func serialized() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(serializedSize)
        serialize(into: &buffer)
        return buffer
    }
}

/// Demultiplexing one port's datagrams when RTP and RTCP share it (RFC 5761 `a=rtcp-mux`),
/// with the first-byte ranges of RFC 7983 for what else may arrive there.
///
/// RFC 5761 §4: RTCP packet types 192-223 collide with RTP payload types 64-95 once the
/// marker bit is folded in, so the second byte of an RTP/RTCP packet is RTCP when, masked to 7
/// bits, it falls in 64...95. Dynamic RTP payload types must then stay out of 64-95.
public enum RTCPMux {
    /// What a datagram on a muxed port is.
    public enum Kind: Sendable, Equatable {
        case rtp
        case rtcp
        /// RFC 7983: first byte 0-3 (STUN, for ICE consent and keepalives).
        case stun
        /// RFC 7983: first byte 20-63 (DTLS).
        case dtls
        /// Anything else (TURN channels, ZRTP, garbage): drop it.
        case unknown
    }

    /// The RTP payload types that RTCP shares with RTP on a muxed port (RFC 5761 §4).
    public static let reservedPayloadTypes: ClosedRange<UInt8> = 64...95

    /// Classifies one datagram by its first two bytes (no other byte is read).
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> Kind {
        guard let first = bytes.first else { return .unknown }
        switch first {
        case 0...3: return .stun
        case 20...63: return .dtls
        case 128...191:
            guard bytes.count >= 2 else { return .unknown }
            return reservedPayloadTypes.contains(bytes[1] & 0x7F) ? .rtcp : .rtp
        default: return .unknown
        }
    }

    /// Classifies one datagram held in an array.
    public static func classify(_ bytes: [UInt8]) -> Kind {
        bytes.withUnsafeBytes { classify($0) }
    }

    /// True when the datagram is RTCP by the RFC 5761 rule (version 2, second byte 192-223).
    public static func isRTCP(_ bytes: [UInt8]) -> Bool {
        classify(bytes) == .rtcp
    }
}
