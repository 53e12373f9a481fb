/// Wrap-aware comparison of RTP sequence numbers (16 bits) and timestamps (32 bits), in the
/// spirit of RFC 1982 serial number arithmetic.
///
/// Two values are compared by the shortest way round the circle: `isNewer(1, than: 65535)` is
/// true because 65535 → 0 → 1 is two steps forward. When the two are exactly half the circle
/// apart the order is undefined (RFC 1982 §3.2): neither is newer, and `distance` returns the
/// negative half (-32768 or -2147483648).
public enum Serial {
    /// True when `a` comes after `b` going the short way round.
    @inline(__always)
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        distance(from: b, to: a) > 0
    }

    /// Signed steps from `from` to `to`, in -32768...32767.
    @inline(__always)
    public static func distance(from: UInt16, to: UInt16) -> Int {
        Int(Int16(bitPattern: to &- from))
    }

    /// True when timestamp `a` comes after `b` going the short way round.
    @inline(__always)
    public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        distance(from: b, to: a) > 0
    }

    /// Signed timestamp units from `from` to `to`, in -2147483648...2147483647.
    @inline(__always)
    public static func distance(from: UInt32, to: UInt32) -> Int {
        Int(Int32(bitPattern: to &- from))
    }
}
