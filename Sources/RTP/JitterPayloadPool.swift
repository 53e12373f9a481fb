/// Equal-sized byte blocks holding the payloads a jitter buffer keeps, recycled through a free
/// list: once the pool has as many blocks as the stream keeps in flight and each is as long as
/// its longest payload, storing a packet allocates nothing.
///
/// Blocks are named by index. A block belongs to whoever stored into it until it is released;
/// the pool never reads or reuses a block that is not free. The free list is threaded through the
/// free blocks themselves (each starts with the index of the next), so taking or giving back a
/// block touches only that block: no second array to miss in the cache.
struct JitterPayloadPool: Sendable {
    /// No UDP datagram carries more; longer payloads (only possible through the `RTPPacket`
    /// API) are cut to this length.
    static let maximumStride = 65_536

    /// Bytes per block.
    private(set) var stride: Int
    private var bytes: [UInt8]
    /// The first free block, -1 when none is.
    private var freeHead: Int32 = -1
    /// Blocks not holding a payload.
    private(set) var freeCount = 0

    init(blocks: Int = 8, stride: Int = 256) {
        let count = max(1, blocks)
        self.stride = min(max(16, stride), Self.maximumStride)
        bytes = [UInt8](repeating: 0, count: count * self.stride)
        blockCount = 0
        addFreeBlocks(count)
    }

    /// Blocks in the pool, free or not.
    private(set) var blockCount: Int

    /// Copies `payload` into a free block (growing the pool first when it must) and returns the
    /// block and the number of bytes stored.
    mutating func store(_ payload: UnsafeRawBufferPointer) -> (block: Int32, count: Int) {
        let count = min(payload.count, Self.maximumStride)
        if count > stride { widen(to: count) }
        if freeHead < 0 { grow() }
        let block = freeHead
        let start = Int(block) * stride
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            freeHead = (base + start).loadUnaligned(as: Int32.self)
            if count > 0, let source = payload.baseAddress {
                (base + start).copyMemory(from: source, byteCount: count)
            }
        }
        freeCount -= 1
        return (block, count)
    }

    /// Gives a block back; each stored block is released exactly once. Indices outside the pool
    /// are ignored.
    mutating func release(_ block: Int32) {
        guard block >= 0, Int(block) < blockCount else { return }
        let next = freeHead
        let start = Int(block) * stride
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: next, toByteOffset: start, as: Int32.self)
        }
        freeHead = block
        freeCount += 1
    }

    /// Runs `body` over the first `count` bytes of `block`.
    func withBytes(_ block: Int32, count: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        let valid = block >= 0 && Int(block) < blockCount
        let length = valid ? min(max(0, count), stride) : 0
        let start = valid ? Int(block) * stride : 0
        bytes.withUnsafeBytes { raw in
            body(length > 0 ? UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                 : UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    /// Doubles the number of blocks; the new ones are free.
    private mutating func grow() {
        let added = max(4, blockCount)
        bytes.append(contentsOf: repeatElement(0, count: added * stride))
        addFreeBlocks(added)
    }

    /// Threads `count` new blocks after the current ones onto the free list.
    private mutating func addFreeBlocks(_ count: Int) {
        let first = blockCount
        blockCount += count
        for block in (first..<blockCount).reversed() {
            let next = freeHead
            bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: next, toByteOffset: block * stride, as: Int32.self)
            }
            freeHead = Int32(block)
            freeCount += 1
        }
    }

    /// Re-lays the blocks out with a stride that fits `count` bytes, keeping their contents.
    private mutating func widen(to count: Int) {
        let newStride = min((count + 63) / 64 * 64, Self.maximumStride)
        let blocks = blockCount
        var widened = [UInt8](repeating: 0, count: blocks * newStride)
        let oldStride = stride
        bytes.withUnsafeBytes { source in
            widened.withUnsafeMutableBytes { destination in
                guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                for block in 0..<blocks {
                    (to + block * newStride).copyMemory(from: from + block * oldStride, byteCount: oldStride)
                }
            }
        }
        bytes = widened
        stride = newStride
    }
}
