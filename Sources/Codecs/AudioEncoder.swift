/// A speech encoder that may keep state between frames (Opus, G.722), one per outgoing stream.
///
/// Unlike ``AudioCodec`` (a stateless description with stateless G.711 coding), encoders here
/// are used through `mutating` methods: stateful ones are final classes that own their C state
/// and free it in `deinit`, G.711 conforms as a plain value. An encoder belongs to one media loop
/// at a time; none of them is safe to use from two threads at once.
///
/// PCM is 16-bit, interleaved when ``channels`` is 2. Payloads are appended to a caller-owned
/// array so a loop can reuse its buffer.
public protocol AudioEncoder {
    /// The RTP encoding name used in SDP `a=rtpmap` (e.g. "PCMU", "G722", "opus").
    var name: String { get }
    /// PCM samples per second per channel that ``encode(_:into:)`` expects.
    var sampleRate: Int { get }
    /// Interleaved PCM channels (1 or 2).
    var channels: Int { get }
    /// RTP timestamp units per second (8000 for G.722, 48000 for Opus at every PCM rate).
    var rtpClockRate: Int { get }
    /// Samples per channel in one frame. Opus encodes exactly this many per call; sample-based
    /// codecs (G.711, G.722) accept any whole number of samples and report 20 ms.
    var frameSize: Int { get }

    /// Encodes one frame of PCM and appends the payload bytes to `out`.
    mutating func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: inout [UInt8]) throws(CodecError)
}

extension AudioEncoder {
    /// RTP timestamp units covered by one frame (160 for 20 ms of G.722, 960 for 20 ms of Opus).
    public var rtpTimestampIncrement: Int { frameSize * rtpClockRate / sampleRate }

    /// Milliseconds of audio in one frame.
    public var frameDuration: Int { frameSize * 1000 / sampleRate }

    /// Encodes one frame given as an array (tests and cold paths).
    public mutating func encode(frame pcm: [Int16]) throws(CodecError) -> [UInt8] {
        var out: [UInt8] = []
        try pcm.withUnsafeBufferPointer { buffer throws(CodecError) in
            try encode(buffer, into: &out)
        }
        return out
    }
}

extension AudioEncoder where Self: AnyObject {
    /// Encodes one frame given as an array; classes need no `var` to do it.
    public func encode(frame pcm: [Int16]) throws(CodecError) -> [UInt8] {
        var encoder = self  // a reference: the mutating requirement acts on the same object
        var out: [UInt8] = []
        try pcm.withUnsafeBufferPointer { buffer throws(CodecError) in
            try encoder.encode(buffer, into: &out)
        }
        return out
    }
}
