/// The RTCP side of one RTP stream, sans-I/O: it counts what we send and receive, builds our
/// compound reports (SR or RR with report blocks, plus SDES CNAME) and reads the peer's reports
/// for round-trip time (RFC 3550 §6.4).
///
/// The caller drives it: ``didSend(payloadOctets:)`` per packet sent,
/// ``didReceive(ssrc:sequence:timestamp:arrival:)`` per packet received (arrival converted to
/// the stream's RTP clock), ``didReceive(_:at:)`` per RTCP compound received and
/// ``makeReport(at:rtpTimestamp:)`` when a report is due (RFC 3550 §6.2 suggests about every
/// 5 s for a two-party call). Times come in as values; nothing here reads a clock.
public struct RTCPReporter: Sendable {
    /// Remote sources tracked at most; packets from further SSRCs are ignored, so a peer
    /// spraying SSRCs cannot grow the table.
    public static let maximumSources = 8

    /// Our SSRC.
    public let ssrc: UInt32
    /// Our CNAME for the SDES item every compound carries.
    public var cname: String
    /// A.1 MIN_SEQUENTIAL for new sources.
    public let minimumSequential: Int

    /// Statistics per remote SSRC.
    public var sources: [UInt32: RTCPReceptionStatistics] {
        var all = others
        if let current { all[current.ssrc] = current }
        return all
    }
    /// The source packets arrive from now, kept out of the table: the per-packet update touches
    /// no hash table (a call has one remote source at a time).
    private var current: RTCPReceptionStatistics?
    /// Every other source seen (an SSRC change leaves the old one here until it reports).
    private var others: [UInt32: RTCPReceptionStatistics] = [:]
    /// RTP packets sent (wraps, as the SR field does).
    public private(set) var packetsSent: UInt32 = 0
    /// RTP payload octets sent (wraps).
    public private(set) var octetsSent: UInt32 = 0
    /// The latest round-trip time measured from a report block about us.
    public private(set) var roundTripTime: Duration?
    /// The latest report block the peer sent about our stream: its view of our loss and jitter.
    public private(set) var remoteReport: RTCPReportBlock?

    private var sentSinceLastReport = false
    private var sentBeforeLastReport = false

    public init(ssrc: UInt32, cname: String, minimumSequential: Int = 2) {
        self.ssrc = ssrc
        self.cname = cname
        self.minimumSequential = minimumSequential
    }

    // MARK: - Events

    /// One RTP packet sent with `payloadOctets` of payload (RFC 3550 §6.4.1 counts payload only).
    public mutating func didSend(payloadOctets: Int) {
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: max(0, payloadOctets))
        sentSinceLastReport = true
    }

    /// One RTP packet received; `arrival` is its arrival time in the stream's RTP clock units.
    /// Returns whether it counted (see ``RTCPReceptionStatistics/record(sequence:timestamp:arrival:)``).
    @discardableResult
    public mutating func didReceive(ssrc source: UInt32, sequence: UInt16, timestamp: UInt32, arrival: UInt32) -> Bool {
        if current?.ssrc == source {
            return current?.record(sequence: sequence, timestamp: timestamp, arrival: arrival) ?? false
        }
        var statistics: RTCPReceptionStatistics
        if let known = others.removeValue(forKey: source) {
            statistics = known
        } else {
            guard others.count + (current == nil ? 0 : 1) < Self.maximumSources else { return false }
            statistics = RTCPReceptionStatistics(ssrc: source, firstSequence: sequence, minimumSequential: minimumSequential)
        }
        // The source of this packet becomes the current one; the previous goes to the table.
        if let previous = current { others[previous.ssrc] = previous }
        let counted = statistics.record(sequence: sequence, timestamp: timestamp, arrival: arrival)
        current = statistics
        return counted
    }

    /// One RTP packet received, read in place (see ``didReceive(ssrc:sequence:timestamp:arrival:)``).
    @discardableResult
    public mutating func didReceive(_ header: RTPHeader, arrival: UInt32) -> Bool {
        didReceive(ssrc: header.ssrc, sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: arrival)
    }

    /// One RTP packet received (see ``didReceive(ssrc:sequence:timestamp:arrival:)``).
    @discardableResult
    public mutating func didReceive(_ packet: RTPPacket, arrival: UInt32) -> Bool {
        didReceive(ssrc: packet.ssrc, sequence: packet.sequenceNumber, timestamp: packet.timestamp, arrival: arrival)
    }

    /// A received RTCP compound (or reduced-size list): notes SRs from tracked sources for our
    /// LSR/DLSR, and measures the round trip from a report block about us. Returns that round
    /// trip time when one was measured.
    @discardableResult
    public mutating func didReceive(_ packets: [RTCPPacket], at arrival: NTPTimestamp) -> Duration? {
        var measured: Duration?
        for packet in packets {
            if case .senderReport(let report) = packet {
                if current?.ssrc == report.ssrc {
                    current?.recordSenderReport(report, arrival: arrival)
                } else {
                    others[report.ssrc]?.recordSenderReport(report, arrival: arrival)
                }
            }
            for block in packet.reportBlocks where block.ssrc == ssrc {
                remoteReport = block
                if let rtt = Self.roundTripTime(block, arrival: arrival) {
                    roundTripTime = rtt
                    measured = rtt
                }
            }
        }
        return measured
    }

    // MARK: - Reports

    /// Our compound report at `now`: an SR when we sent RTP since the report before last, else
    /// an RR (RFC 3550 §6.4), with one block per valid remote source, then SDES CNAME.
    /// `rtpTimestamp` is `now` on our stream's RTP clock (the SR ties the two clocks together).
    public mutating func makeReport(at now: NTPTimestamp, rtpTimestamp: UInt32) -> RTCPCompoundPacket {
        var blocks: [RTCPReportBlock] = []
        for source in sources.keys.sorted() {
            if current?.ssrc == source {
                if current?.isValid == true, let block = current?.makeReportBlock(now: now) { blocks.append(block) }
            } else if others[source]?.isValid == true, let block = others[source]?.makeReportBlock(now: now) {
                blocks.append(block)
            }
        }
        let isSender = sentSinceLastReport || sentBeforeLastReport
        sentBeforeLastReport = sentSinceLastReport
        sentSinceLastReport = false
        let report: RTCPPacket = isSender
            ? .senderReport(RTCPSenderReport(ssrc: ssrc, ntpTimestamp: now, rtpTimestamp: rtpTimestamp,
                                             packetCount: packetsSent, octetCount: octetsSent, reports: blocks))
            : .receiverReport(RTCPReceiverReport(ssrc: ssrc, reports: blocks))
        return .makeReport(report, cname: cname, ssrc: ssrc)
    }

    /// Our last compound when leaving: the report, SDES CNAME, then BYE (RFC 3550 §6.6).
    public mutating func makeGoodbye(at now: NTPTimestamp, rtpTimestamp: UInt32, reason: String? = nil) -> RTCPCompoundPacket {
        var compound = makeReport(at: now, rtpTimestamp: rtpTimestamp)
        compound.packets.append(.goodbye(RTCPGoodbye(sources: [ssrc], reason: reason)))
        return compound
    }

    /// RFC 3550 §6.4.1: round trip = A − LSR − DLSR, where A is when the block arrived, all in
    /// NTP short format. Nil when the peer has had no SR from us (LSR 0) or the result would be
    /// negative (a peer misreporting its delay).
    public static func roundTripTime(_ block: RTCPReportBlock, arrival: NTPTimestamp) -> Duration? {
        guard block.lastSenderReport != 0 else { return nil }
        let units = arrival.shortFormat &- block.lastSenderReport &- block.delaySinceLastSenderReport
        guard Int32(bitPattern: units) >= 0 else { return nil }
        return NTPShortTime.duration(units)
    }
}
