/// A speech codec as the media path sees it: 16-bit mono PCM in, RTP payload bytes out.
///
/// The `Codecs` module owns codecs and audio file formats. It is pure computation: no sockets,
/// no clocks, no RTP framing and no knowledge of SDP beyond each codec's static payload type.
/// Encoders and decoders append to caller-owned arrays so a media loop can reuse its buffers.
public protocol AudioCodec: Sendable {
    /// The RTP encoding name used in SDP `a=rtpmap` (RFC 3551 §6), e.g. "PCMU".
    var name: String { get }
    /// PCM samples per second on the audio side.
    var sampleRate: Int { get }
    /// RTP timestamp units per second (differs from `sampleRate` for G.722).
    var rtpClockRate: Int { get }
    /// The RFC 3551 static payload type, or nil when one must be negotiated.
    var staticPayloadType: UInt8? { get }

    /// Encodes `pcm` and appends the payload bytes to `out`.
    func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: inout [UInt8])
    /// Decodes one payload and appends the PCM samples to `out`.
    func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16])
}

extension AudioCodec {
    /// Encodes a whole array (convenience for tests and cold paths).
    public func encode(_ pcm: [Int16]) -> [UInt8] {
        var out: [UInt8] = []
        pcm.withUnsafeBufferPointer { encode($0, into: &out) }
        return out
    }

    /// Decodes a whole payload (convenience for tests and cold paths).
    public func decode(_ payload: [UInt8]) -> [Int16] {
        var out: [Int16] = []
        payload.withUnsafeBytes { decode($0, into: &out) }
        return out
    }

    /// PCM samples in `milliseconds` of audio, e.g. 160 for 20 ms at 8 kHz.
    public func sampleCount(milliseconds: Int) -> Int {
        sampleRate * milliseconds / 1000
    }
}
