/// Buffers a stream needs only for the moment it sends: the payload being built and the wire
/// bytes being protected and sent. A media loop hands one set to all its streams (they send one at
/// a time on its thread), so the tick keeps touching the same hot memory instead of a cold
/// buffer per stream. Loop thread only.
final class MediaScratch {
    /// The next packet's payload (encoders append to it).
    var payload: [UInt8] = []
    /// Serialized packet, with room for the SRTP authentication tag.
    let wire: UnsafeMutableRawBufferPointer

    init() {
        payload.reserveCapacity(1500)
        wire = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        wire.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { wire.deallocate() }
}
