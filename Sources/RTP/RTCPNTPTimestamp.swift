/// A 64-bit NTP timestamp (RFC 5905 §6; RFC 3550 §4): seconds since 1 January 1900 in the high
/// 32 bits, a binary fraction of a second in the low 32.
///
/// RTCP uses it for the wallclock time in sender reports and, in its "short" middle-32-bit form
/// (16.16 fixed point), for LSR, DLSR and round-trip times. It is only a value: the caller reads
/// the wallclock and passes it in, so nothing here depends on the time of day.
public struct NTPTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    public var rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(seconds: UInt32, fraction: UInt32) {
        rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// The timestamp `duration` after the Unix epoch (what a wallclock reading gives). Times
    /// before 1970 or after the 2036 NTP era rollover wrap, as NTP's 32-bit seconds do.
    public init(sinceUnixEpoch duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = UInt64(max(0, attoseconds / 1_000_000_000))
        let fraction = (nanoseconds << 32) / 1_000_000_000
        let ntpSeconds = UInt64(truncatingIfNeeded: seconds &+ Int64(Self.unixEpochOffset))
        rawValue = ntpSeconds << 32 | fraction
    }

    public var seconds: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// The middle 32 bits: 16 bits of seconds, 16 of fraction. This is LSR (RFC 3550 §6.4.1).
    public var shortFormat: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// The timestamp moved by `duration` (wrapping like NTP).
    public func advanced(by duration: Duration) -> NTPTimestamp {
        let (seconds, attoseconds) = duration.components
        let fraction = Int64(attoseconds / 1_000_000_000) * (1 << 32) / 1_000_000_000
        return NTPTimestamp(rawValue: rawValue &+ UInt64(bitPattern: seconds << 32 &+ fraction))
    }

    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        let fractional = Double(fraction) / 4_294_967_296
        return "NTP(\(seconds) + \(fractional))"
    }
}

/// Durations in the NTP short format (1/65536 s) that DLSR and round-trip times use.
public enum NTPShortTime {
    /// Units per second.
    public static let unitsPerSecond: UInt32 = 65_536

    /// `duration` in 1/65536 s, clamped to what 32 bits hold (about 18 hours).
    public static func units(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let nanoseconds = UInt64(max(0, attoseconds / 1_000_000_000))
        let whole = UInt64(min(seconds, 1 << 40)) * 65_536 + nanoseconds * 65_536 / 1_000_000_000
        return UInt32(min(whole, UInt64(UInt32.max)))
    }

    /// `units` of 1/65536 s as a duration.
    public static func duration(_ units: UInt32) -> Duration {
        .nanoseconds(Int64(units) * 1_000_000_000 / 65_536)
    }
}
