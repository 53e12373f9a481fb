/// A Merkle–Damgård hash over 64-byte blocks (MD5, SHA-256), written here because Parley's only
/// package mirror has no crypto library. Conforming types supply the compression function; the
/// buffering, padding and length encoding live in this extension so they are written once.
protocol BlockHash: Sendable {
    /// Bytes of a partial block waiting for more input (always fewer than 64).
    var pending: [UInt8] { get set }
    /// Bytes absorbed so far.
    var absorbed: UInt64 { get set }
    /// RFC 1321 stores the message length little-endian, FIPS 180-4 big-endian.
    static var lengthIsBigEndian: Bool { get }
    init()
    /// Mixes one 64-byte block into the state.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The state as digest bytes.
    func digestBytes() -> [UInt8]
}

extension BlockHash {
    static var blockSize: Int { 64 }

    mutating func update(_ input: UnsafeRawBufferPointer) {
        absorbed &+= UInt64(input.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(Self.blockSize - pending.count, input.count)
            pending.append(contentsOf: input[0..<take])
            offset = take
            guard pending.count == Self.blockSize else { return }
            let block = pending
            block.withUnsafeBytes { compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while input.count - offset >= Self.blockSize {
            compress(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Self.blockSize)]))
            offset += Self.blockSize
        }
        if offset < input.count { pending.append(contentsOf: input[offset...]) }
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ string: String) {
        var text = string
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Pads (0x80, zeros, 64-bit bit length) and returns the digest. The value is spent afterwards.
    mutating func finalize() -> [UInt8] {
        let bitLength = absorbed &* 8
        var tail: [UInt8] = [0x80]
        let used = (pending.count + 1) % Self.blockSize
        let zeros = used <= 56 ? 56 - used : 56 + Self.blockSize - used
        tail.append(contentsOf: repeatElement(0, count: zeros))
        for index in 0..<8 {
            let shift = Self.lengthIsBigEndian ? UInt64(56 - 8 * index) : UInt64(8 * index)
            tail.append(UInt8(truncatingIfNeeded: bitLength >> shift))
        }
        let saved = absorbed
        update(tail)
        absorbed = saved
        return digestBytes()
    }

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }

    static func hash(_ string: String) -> [UInt8] {
        var hasher = Self()
        hasher.update(string)
        return hasher.finalize()
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func word(_ index: Int, bigEndian: Bool) -> UInt32 {
        let raw = loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedLeft(_ count: UInt32) -> UInt32 { (self << count) | (self >> (32 &- count)) }
    @inline(__always)
    func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 &- count)) }
}
