import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free loopback ports for peers under test, found by binding them.
///
/// Ports come from 33000-60000: above FreeSWITCH-style RTP ranges (16384-32767), away from 5060
/// and from the fixed ports of the shared peer recipes (12000-13999). A moving cursor, guarded by
/// a lock, hands each caller in this process ports no other caller got, even before those ports
/// are bound; the cursor starts at an offset derived from the process id, so test processes
/// running side by side start in different places. A probe can still race with another program,
/// which is why tests also use generous timeouts and fail loudly with the port in the message.
public enum FreePorts {
    /// The range ports are taken from.
    public static let range: ClosedRange<UInt16> = 33000...60000

    /// A port free for both UDP and TCP on 127.0.0.1, whose next port is free too (baresip and
    /// other SIP stacks bind TLS on port + 1). Never 5060, never inside 16384-32767.
    public static func sipPort() throws(HarnessError) -> UInt16 {
        try cursor.reserve(count: 2, alignment: 2) { port in
            probe(port, type: udp) && probe(port, type: tcp)
        }
    }

    /// `count` consecutive UDP ports free on 127.0.0.1, starting at an even port (RTP on even,
    /// RTCP on odd ports, RFC 3550 §11), all outside 16384-32767.
    public static func udpRange(count: Int) throws(HarnessError) -> ClosedRange<UInt16> {
        guard count >= 1, count <= 1000 else {
            throw HarnessError.noFreePort(range: range, count: count)
        }
        let first = try cursor.reserve(count: count, alignment: 2) { port in
            probe(port, type: udp)
        }
        return first...(first + UInt16(count - 1))
    }

    /// Whether a port can be bound on 127.0.0.1 right now for UDP or TCP (without SO_REUSEADDR,
    /// so a port another socket holds in any state counts as taken).
    public static func isFree(_ port: UInt16, udp wantsUDP: Bool = true, tcp wantsTCP: Bool = true) -> Bool {
        (!wantsUDP || probe(port, type: udp)) && (!wantsTCP || probe(port, type: tcp))
    }

    /// Waits until something has bound `port` on 127.0.0.1 (UDP, or TCP when `udp` is false):
    /// how a test knows a server it started is listening. False after `timeout` seconds.
    public static func waitUntilBound(_ port: UInt16, udp: Bool = true, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isFree(port, udp: udp, tcp: !udp) {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    private static let cursor = PortCursor(range: range)

    private static let udp = Posix.datagramSocket
    private static let tcp = Posix.streamSocket

    private static func probe(_ port: UInt16, type: Int32) -> Bool {
        let fd = Posix.socket(type)
        guard fd >= 0 else { return false }
        defer { Posix.close(fd) }
        return Posix.bind(fd, port: port)
    }
}

/// The shared moving cursor behind ``FreePorts``.
final class PortCursor: @unchecked Sendable {
    private let lock = NSLock()
    private let range: ClosedRange<UInt16>
    private var next: Int

    /// `start` defaults to a place derived from the process id, so test processes running side
    /// by side begin in different parts of the range (7919 is prime, so pids spread evenly).
    init(range: ClosedRange<UInt16>, start: UInt16? = nil) {
        self.range = range
        let span = Int(range.upperBound) - Int(range.lowerBound)
        let offset = (Int(getpid()) &* 7919) % max(span, 1)
        next = start.map { Int($0) } ?? Int(range.lowerBound) + offset
    }

    /// Finds `count` consecutive ports, the first a multiple of `alignment`, that all satisfy
    /// `isFree`, and moves the cursor past them (plus one spare port) so no caller gets them again.
    /// Scans the whole range at most once.
    func reserve(count: Int, alignment: Int, isFree: (UInt16) -> Bool) throws(HarnessError) -> UInt16 {
        lock.lock()
        defer { lock.unlock() }
        let low = Int(range.lowerBound)
        let high = Int(range.upperBound)
        let span = high - low + 1
        var candidate = next
        var scanned = 0
        while scanned < span {
            if candidate % alignment != 0 { candidate += alignment - candidate % alignment }
            if candidate + count - 1 > high {
                scanned += high - candidate + 1
                candidate = low
                continue
            }
            var firstTaken: Int?
            for port in candidate..<(candidate + count) where !isFree(UInt16(port)) {
                firstTaken = port
                break
            }
            guard let taken = firstTaken else {
                next = candidate + count + 1
                if next > high { next = low }
                return UInt16(candidate)
            }
            scanned += taken - candidate + 1
            candidate = taken + 1
        }
        throw HarnessError.noFreePort(range: range, count: count)
    }
}
