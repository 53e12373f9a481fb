/// Reception statistics for one remote RTP source, kept exactly as RFC 3550 Appendix A lays
/// them out: A.1 sequence validation, A.3 loss, A.8 interarrival jitter.
///
/// Sans-I/O: the caller reports each packet with its arrival time converted to the stream's RTP
/// clock units (the caller's media clock, never read here), and asks for a report block when
/// an RTCP report is due.
public struct RTCPReceptionStatistics: Sendable, Equatable {
    /// A.1: a forward jump of fewer than this many sequence numbers is in-order loss.
    public static let maximumDropout: UInt16 = 3000
    /// A.1: a backward step of up to this many sequence numbers is a late or duplicate packet.
    public static let maximumMisorder: UInt16 = 100
    private static let sequenceModulus: UInt32 = 1 << 16

    public let ssrc: UInt32
    public let minimumSequential: Int

    // A.1 state (names follow the RFC's source structure).
    private var maxSeq: UInt16
    private var cycles: UInt32 = 0
    private var baseSeq: UInt32 = 0
    private var badSeq: UInt32 = RTCPReceptionStatistics.sequenceModulus + 1
    private var probation: Int
    /// Packets counted since the sequence was (re)initialized, duplicates included (A.1).
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0

    // A.8 state: the relative transit time of the previous packet, and 16 × the jitter.
    private var transit: UInt32?
    private var scaledJitter: UInt32 = 0

    /// The last SR from this source: its NTP time in short form (our next LSR) and when it
    /// arrived (for our next DLSR).
    public struct SenderReportReceipt: Sendable, Equatable {
        public var ntpShort: UInt32
        public var arrival: NTPTimestamp
    }

    public private(set) var lastSenderReport: SenderReportReceipt?

    /// `minimumSequential` is A.1's MIN_SEQUENTIAL: in-order packets needed before the source
    /// counts (2 in the RFC; 1 counts the very first packet).
    public init(ssrc: UInt32, firstSequence: UInt16, minimumSequential: Int = 2) {
        self.ssrc = ssrc
        self.minimumSequential = max(1, minimumSequential)
        maxSeq = firstSequence &- 1
        probation = self.minimumSequential
    }

    /// Records one arriving RTP packet (A.1 `update_seq`, then A.8). Returns false for a packet
    /// that is not counted: still on probation, or a big jump awaiting confirmation by the next
    /// packet.
    @discardableResult
    public mutating func record(sequence: UInt16, timestamp: UInt32, arrival: UInt32) -> Bool {
        guard updateSequence(sequence) else { return false }
        // A.8: transit = arrival - timestamp; J += (|D| - J) / 16, in 1/16 units.
        let newTransit = arrival &- timestamp
        if let transit {
            let difference = Int64(Int32(bitPattern: newTransit &- transit)).magnitude
            let adjusted = Int64(scaledJitter) + Int64(difference) - Int64((scaledJitter + 8) >> 4)
            scaledJitter = UInt32(clamping: adjusted)
        }
        transit = newTransit
        return true
    }

    private mutating func updateSequence(_ seq: UInt16) -> Bool {
        let delta = seq &- maxSeq
        if probation > 0 {
            // Packets must be in sequence before the source is valid.
            if seq == maxSeq &+ 1 {
                probation -= 1
                maxSeq = seq
                if probation == 0 {
                    initSequence(seq)
                    received += 1
                    return true
                }
            } else {
                // Out of sequence: this packet starts a new run.
                probation = max(1, minimumSequential - 1)
                maxSeq = seq
            }
            return false
        }
        if delta < Self.maximumDropout {
            // In order, with a permissible gap.
            if seq < maxSeq { cycles &+= Self.sequenceModulus }
            maxSeq = seq
        } else if UInt32(delta) <= Self.sequenceModulus - UInt32(Self.maximumMisorder) {
            // A very large jump: restart only if the next packet follows this one.
            if UInt32(seq) == badSeq {
                initSequence(seq)
            } else {
                badSeq = (UInt32(seq) + 1) & (Self.sequenceModulus - 1)
                return false
            }
        }
        // Otherwise a duplicate or reordered packet: counted, but the maximum stays.
        received &+= 1
        return true
    }

    private mutating func initSequence(_ seq: UInt16) {
        baseSeq = UInt32(seq)
        maxSeq = seq
        badSeq = Self.sequenceModulus + 1
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
        transit = nil
    }

    /// Whether probation is over and the source counts (A.1).
    public var isValid: Bool { probation == 0 }

    /// The highest sequence number seen, with the wrap count in the high 16 bits (A.3).
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSeq) }

    /// Packets expected since the sequence began: extended highest − base + 1 (A.3).
    public var expected: Int64 {
        isValid ? Int64(extendedHighestSequence) - Int64(baseSeq) + 1 : 0
    }

    /// Expected minus received; negative when duplicates outnumber losses (A.3).
    public var cumulativeLost: Int64 { expected - Int64(received) }

    /// The interarrival jitter in RTP timestamp units, as reported (A.8).
    public var jitter: UInt32 { scaledJitter >> 4 }

    /// Notes an SR from this source, for the LSR and DLSR of our next report block.
    public mutating func recordSenderReport(_ report: RTCPSenderReport, arrival: NTPTimestamp) {
        lastSenderReport = SenderReportReceipt(ntpShort: report.ntpTimestamp.shortFormat, arrival: arrival)
    }

    /// The report block about this source at `now`, starting a new loss interval (A.3).
    public mutating func makeReportBlock(now: NTPTimestamp) -> RTCPReportBlock {
        let expected = UInt32(truncatingIfNeeded: self.expected)
        let expectedInterval = expected &- expectedPrior
        expectedPrior = expected
        let receivedInterval = received &- receivedPrior
        receivedPrior = received
        let lostInterval = Int64(Int32(bitPattern: expectedInterval)) - Int64(Int32(bitPattern: receivedInterval))
        var fraction: UInt8 = 0
        if expectedInterval > 0, lostInterval > 0 {
            fraction = UInt8(clamping: (lostInterval << 8) / Int64(expectedInterval))
        }
        let range = RTCPReportBlock.cumulativeLostRange
        var block = RTCPReportBlock(
            ssrc: ssrc,
            fractionLost: fraction,
            cumulativeLost: Int32(min(max(cumulativeLost, Int64(range.lowerBound)), Int64(range.upperBound))),
            extendedHighestSequence: extendedHighestSequence,
            jitter: jitter
        )
        if let receipt = lastSenderReport {
            block.lastSenderReport = receipt.ntpShort
            // A `now` before the SR's arrival is the caller's mistake: report no delay.
            let elapsed = now >= receipt.arrival ? (now.rawValue - receipt.arrival.rawValue) >> 16 : 0
            block.delaySinceLastSenderReport = UInt32(clamping: elapsed)
        }
        return block
    }
}
