/// One reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes:
///
/// ```
/// |                 SSRC_n (source this block is about)           |
/// | fraction lost |       cumulative number of packets lost       |
/// |           extended highest sequence number received           |
/// |                      interarrival jitter                      |
/// |                         last SR (LSR)                         |
/// |                   delay since last SR (DLSR)                  |
/// ```
public struct RTCPReportBlock: Sendable, Equatable {
    public static let size = 24
    /// The cumulative loss is a signed 24-bit field (duplicates can make it negative).
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Packets lost since the previous report, as a fraction of those expected, times 256.
    public var fractionLost: UInt8
    /// Packets expected minus packets received since reception began. Clamped to
    /// ``cumulativeLostRange`` when serialized.
    public var cumulativeLost: Int32
    /// Highest sequence number received, with the count of wraps in the high 16 bits.
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter estimate, in timestamp units (RFC 3550 §6.4.1, A.8).
    public var jitter: UInt32
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR from this source, 0 if none.
    public var lastSenderReport: UInt32
    /// DLSR: time since that SR arrived, in 1/65536 s, 0 if none.
    public var delaySinceLastSenderReport: UInt32

    public init(
        ssrc: UInt32,
        fractionLost: UInt8 = 0,
        cumulativeLost: Int32 = 0,
        extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0,
        lastSenderReport: UInt32 = 0,
        delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// The fraction lost as a number in 0...1.
    public var lossFraction: Double { Double(fractionLost) / 256 }

    init(reading reader: inout RTCPByteReader) throws(RTCPError) {
        let ssrc = try reader.uint32("report block SSRC")
        let lossWord = try reader.uint32("report block loss")
        // Sign-extend the 24-bit cumulative loss.
        let cumulative = Int32(bitPattern: lossWord << 8) >> 8
        self.init(
            ssrc: ssrc,
            fractionLost: UInt8(lossWord >> 24),
            cumulativeLost: cumulative,
            extendedHighestSequence: try reader.uint32("report block highest sequence"),
            jitter: try reader.uint32("report block jitter"),
            lastSenderReport: try reader.uint32("report block LSR"),
            delaySinceLastSenderReport: try reader.uint32("report block DLSR")
        )
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendBigEndian(ssrc)
        let clamped = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        buffer.appendBigEndian(UInt32(fractionLost) << 24 | UInt32(bitPattern: clamped) & 0xFF_FFFF)
        buffer.appendBigEndian(extendedHighestSequence)
        buffer.appendBigEndian(jitter)
        buffer.appendBigEndian(lastSenderReport)
        buffer.appendBigEndian(delaySinceLastSenderReport)
    }
}
