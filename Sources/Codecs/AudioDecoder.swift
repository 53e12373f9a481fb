/// A speech decoder that may keep state between packets, one per incoming stream.
///
/// Decoding never traps on bad bytes: a payload the codec cannot read throws
/// ``CodecError/corruptPayload(codec:reason:)`` and leaves the decoder usable. For a packet
/// that never arrived the media path calls ``concealLoss(into:)`` (or, when the packet after
/// the gap is already in the jitter buffer, ``concealLoss(before:into:)`` so Opus can use the
/// in-band FEC that packet carries for the lost one).
///
/// PCM is 16-bit, interleaved when ``channels`` is 2, appended to a caller-owned array.
public protocol AudioDecoder {
    /// The RTP encoding name used in SDP `a=rtpmap`.
    var name: String { get }
    /// PCM samples per second per channel this decoder produces.
    var sampleRate: Int { get }
    /// Interleaved PCM channels produced (1 or 2).
    var channels: Int { get }
    /// RTP timestamp units per second.
    var rtpClockRate: Int { get }

    /// Decodes one payload and appends its PCM to `out`.
    mutating func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16]) throws(CodecError)
    /// Appends PCM standing in for one lost packet, as long as the last packet decoded (20 ms
    /// before the first one).
    mutating func concealLoss(into out: inout [Int16]) throws(CodecError)
    /// Appends PCM standing in for the packet lost just before `nextPayload`, using the
    /// redundancy `nextPayload` carries when the codec has any. `nextPayload` itself still has
    /// to be decoded afterwards. The default conceals as ``concealLoss(into:)`` does.
    mutating func concealLoss(before nextPayload: UnsafeRawBufferPointer, into out: inout [Int16]) throws(CodecError)
}

extension AudioDecoder {
    public mutating func concealLoss(before nextPayload: UnsafeRawBufferPointer,
                                     into out: inout [Int16]) throws(CodecError) {
        try concealLoss(into: &out)
    }

    /// Decodes a payload given as an array (tests and cold paths).
    public mutating func decode(payload: [UInt8]) throws(CodecError) -> [Int16] {
        var out: [Int16] = []
        try payload.withUnsafeBufferPointer { bytes throws(CodecError) in
            try decode(UnsafeRawBufferPointer(bytes), into: &out)
        }
        return out
    }

    /// One lost packet's concealment as an array (tests and cold paths).
    public mutating func concealLoss() throws(CodecError) -> [Int16] {
        var out: [Int16] = []
        try concealLoss(into: &out)
        return out
    }
}

extension AudioDecoder where Self: AnyObject {
    /// Decodes a payload given as an array; classes need no `var` to do it.
    public func decode(payload: [UInt8]) throws(CodecError) -> [Int16] {
        var decoder = self  // a reference: the mutating requirement acts on the same object
        var out: [Int16] = []
        try payload.withUnsafeBufferPointer { bytes throws(CodecError) in
            try decoder.decode(UnsafeRawBufferPointer(bytes), into: &out)
        }
        return out
    }

    /// One lost packet's concealment as an array; classes need no `var` to do it.
    public func concealLoss() throws(CodecError) -> [Int16] {
        var decoder = self
        var out: [Int16] = []
        try decoder.concealLoss(into: &out)
        return out
    }
}
