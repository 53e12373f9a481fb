/// A sender report, SR (RFC 3550 §6.4.1), packet type 200:
///
/// ```
/// |V=2|P|    RC   |   PT=SR=200   |             length            |
/// |                         SSRC of sender                        |
/// |              NTP timestamp, most significant word             |
/// |             NTP timestamp, least significant word             |
/// |                         RTP timestamp                         |
/// |                     sender's packet count                     |
/// |                      sender's octet count                     |
/// |                 report blocks (RC × 24 bytes)                 |
/// |                  profile-specific extensions                  |
/// ```
public struct RTCPSenderReport: Sendable, Equatable {
    /// Header, SSRC and sender info.
    static let fixedSize = 28
    /// RC is a 5-bit field: at most 31 report blocks are serialized.
    public static let maximumReportCount = 31

    public var ssrc: UInt32
    /// Wallclock time when this report was sent.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant on the RTP media clock of this sender's stream.
    public var rtpTimestamp: UInt32
    /// RTP data packets sent since starting transmission (wraps).
    public var packetCount: UInt32
    /// RTP payload octets sent since starting transmission (wraps).
    public var octetCount: UInt32
    public var reports: [RTCPReportBlock]
    /// Bytes after the report blocks, kept opaque. Serialized zero-padded to a 32-bit boundary.
    public var profileExtension: [UInt8]

    public init(
        ssrc: UInt32,
        ntpTimestamp: NTPTimestamp,
        rtpTimestamp: UInt32,
        packetCount: UInt32,
        octetCount: UInt32,
        reports: [RTCPReportBlock] = [],
        profileExtension: [UInt8] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }

    init(count: Int, reading reader: inout RTCPByteReader) throws(RTCPError) {
        let ssrc = try reader.uint32("SR sender SSRC")
        let ntp = NTPTimestamp(rawValue: UInt64(try reader.uint32("SR NTP seconds")) << 32 | UInt64(try reader.uint32("SR NTP fraction")))
        let rtp = try reader.uint32("SR RTP timestamp")
        let packets = try reader.uint32("SR packet count")
        let octets = try reader.uint32("SR octet count")
        let reports = try Self.readReports(count: count, from: &reader, packet: "SR")
        self.init(ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: packets, octetCount: octets,
                  reports: reports, profileExtension: reader.rest())
    }

    static func readReports(count: Int, from reader: inout RTCPByteReader, packet: String) throws(RTCPError) -> [RTCPReportBlock] {
        guard count * RTCPReportBlock.size <= reader.remaining else {
            throw RTCPError(.badCount, at: reader.packetStart, "\(packet) announces \(count) report blocks, only \(reader.remaining) bytes remain")
        }
        var reports: [RTCPReportBlock] = []
        reports.reserveCapacity(count)
        for _ in 0..<count {
            reports.append(try RTCPReportBlock(reading: &reader))
        }
        return reports
    }

    var serializedSize: Int {
        Self.fixedSize + RTCPReportBlock.size * min(reports.count, Self.maximumReportCount)
            + (profileExtension.count + 3) / 4 * 4
    }

    func serialize(into buffer: inout [UInt8]) {
        let count = min(reports.count, Self.maximumReportCount)
        buffer.appendRTCPHeader(count: count, packetType: RTCPPacketType.senderReport, bodyLength: serializedSize - 4)
        buffer.appendBigEndian(ssrc)
        buffer.appendBigEndian(ntpTimestamp.seconds)
        buffer.appendBigEndian(ntpTimestamp.fraction)
        buffer.appendBigEndian(rtpTimestamp)
        buffer.appendBigEndian(packetCount)
        buffer.appendBigEndian(octetCount)
        for report in reports.prefix(count) { report.serialize(into: &buffer) }
        buffer.appendPaddedToWord(profileExtension)
    }
}

extension Array where Element == UInt8 {
    /// Appends `bytes` and zeros up to the next multiple of 4 of `bytes.count`.
    mutating func appendPaddedToWord(_ bytes: [UInt8]) {
        append(contentsOf: bytes)
        append(contentsOf: repeatElement(0, count: (4 - bytes.count % 4) % 4))
    }
}

/// A receiver report, RR (RFC 3550 §6.4.2), packet type 201: the SR without sender info, sent
/// by participants that have not sent RTP since the report before last.
///
/// ```
/// |V=2|P|    RC   |   PT=RR=201   |             length            |
/// |                     SSRC of packet sender                     |
/// |                 report blocks (RC × 24 bytes)                 |
/// |                  profile-specific extensions                  |
/// ```
public struct RTCPReceiverReport: Sendable, Equatable {
    static let fixedSize = 8

    public var ssrc: UInt32
    public var reports: [RTCPReportBlock]
    /// Bytes after the report blocks, kept opaque. Serialized zero-padded to a 32-bit boundary.
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }

    init(count: Int, reading reader: inout RTCPByteReader) throws(RTCPError) {
        let ssrc = try reader.uint32("RR sender SSRC")
        let reports = try RTCPSenderReport.readReports(count: count, from: &reader, packet: "RR")
        self.init(ssrc: ssrc, reports: reports, profileExtension: reader.rest())
    }

    var serializedSize: Int {
        Self.fixedSize + RTCPReportBlock.size * min(reports.count, RTCPSenderReport.maximumReportCount)
            + (profileExtension.count + 3) / 4 * 4
    }

    func serialize(into buffer: inout [UInt8]) {
        let count = min(reports.count, RTCPSenderReport.maximumReportCount)
        buffer.appendRTCPHeader(count: count, packetType: RTCPPacketType.receiverReport, bodyLength: serializedSize - 4)
        buffer.appendBigEndian(ssrc)
        for report in reports.prefix(count) { report.serialize(into: &buffer) }
        buffer.appendPaddedToWord(profileExtension)
    }
}
