import CMediaShims

/// Preallocated buffers for recvmmsg: one set per media loop, reused for every socket it drains,
/// so receiving allocates nothing. Loop thread only.
final class ReceiveBatch {
    let count: Int
    let size: Int
    private let storage: UnsafeMutableRawPointer
    private var datagrams: [pn_datagram_t]

    init(count: Int, size: Int) {
        self.count = count
        self.size = size
        let base = UnsafeMutableRawPointer.allocate(byteCount: count * size, alignment: 16)
        storage = base
        datagrams = (0..<count).map { i in
            pn_datagram_t(data: base + i * size, length: UInt32(size), peer: pn_addr_t())
        }
    }

    deinit { storage.deallocate() }

    /// Receives up to `count` datagrams from `fd`; returns how many arrived.
    func receive(_ fd: Int32) -> Int {
        for i in 0..<count { datagrams[i].length = UInt32(size) }
        let n = datagrams.withUnsafeMutableBufferPointer { pn_recv_batch(fd, $0.baseAddress, Int32(count)) }
        return max(0, Int(n))
    }

    func bytes(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + i * size, count: Int(datagrams[i].length))
    }

    /// The i-th datagram, writable in place (SRTP unprotects where it lies).
    func mutableBytes(_ i: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: storage + i * size, count: Int(datagrams[i].length))
    }

    func peer(_ i: Int) -> pn_addr_t { datagrams[i].peer }
}
