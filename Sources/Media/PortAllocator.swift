import CMediaShims
import Synchronization

/// Hands out even RTP ports from a range (RFC 3550 §11: RTP even, RTCP the odd one above),
/// binding a socket for each so a port in use elsewhere is skipped.
final class PortAllocator: Sendable {
    private struct State {
        var cursor: Int
        var inUse: Set<Int> = []
    }
    let address: String
    let range: ClosedRange<Int>
    private let state: Mutex<State>

    init(address: String, range: ClosedRange<Int>) {
        self.address = address
        let low = range.lowerBound % 2 == 0 ? range.lowerBound : range.lowerBound + 1
        self.range = low...range.upperBound
        state = Mutex(State(cursor: low))
    }

    /// Binds an even port for RTP and the odd one above for RTCP; throws when the range is busy.
    func bind() throws(MediaError) -> (fd: Int32, rtcpFD: Int32, port: Int) {
        var addr = pn_addr_t()
        guard pn_parse_addr(address, 0, &addr) == 0 else { throw MediaError("bad RTP address \(address)") }
        let slots = (range.upperBound - range.lowerBound) / 2
        return try state.withLock { s throws(MediaError) -> (fd: Int32, rtcpFD: Int32, port: Int) in
            for _ in 0..<max(1, slots) {
                let port = s.cursor
                s.cursor += 2
                if s.cursor + 1 > range.upperBound { s.cursor = range.lowerBound }
                if s.inUse.contains(port) { continue }
                addr.port = UInt16(port)
                let fd = pn_udp_bind(&addr, 256 * 1024, 256 * 1024)
                guard fd >= 0 else { continue }
                addr.port = UInt16(port + 1)
                let rtcp = pn_udp_bind(&addr, 64 * 1024, 64 * 1024)
                guard rtcp >= 0 else {
                    _ = pn_close(fd)
                    continue
                }
                s.inUse.insert(port)
                return (fd, rtcp, port)
            }
            throw MediaError("no free RTP port in \(range.lowerBound)-\(range.upperBound)")
        }
    }

    func release(_ port: Int) {
        state.withLock { _ = $0.inUse.remove(port) }
    }

    var inUseCount: Int { state.withLock { $0.inUse.count } }
}

/// A media-layer failure (no port, bad address, socket error).
public struct MediaError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
