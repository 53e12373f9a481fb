internal import CSpanDSP

/// ITU-T G.722 wideband ADPCM at 64 kbit/s: 16 kHz PCM, one byte per two samples, coded by
/// spandsp's bit-exact implementation.
///
/// RTP quirk (RFC 3551 §4.5.2): the payload format announces an 8000 Hz clock (`G722/8000`,
/// static payload type 9) although the audio is sampled at 16 kHz, so timestamps advance by 160
/// per 20 ms packet while the frame holds 320 samples. ``sampleRate`` is the truth on the audio
/// side, ``rtpClockRate`` the number for RTP and SDP.
public enum G722 {
    public static let name = "G722"
    /// PCM rate on the audio side.
    public static let sampleRate = 16_000
    /// RTP timestamp rate (RFC 3551 §4.5.2: kept at 8000 for historical reasons).
    public static let rtpClockRate = 8000
    public static let staticPayloadType: UInt8 = 9
    /// RTP carries the 64 kbit/s mode only (RFC 3551 §4.5.2).
    public static let bitRate: Int32 = 64_000
    /// 20 ms at 16 kHz.
    public static let defaultFrameSize = 320
    /// The largest payload decoded in one call: one second of audio, far above any packet time.
    public static let maximumPayload = 8000

    /// A G.722 encoder: stateful ADPCM, one per outgoing stream.
    public final class Encoder: AudioEncoder {
        private let state: OpaquePointer

        public var name: String { G722.name }
        public var sampleRate: Int { G722.sampleRate }
        public var channels: Int { 1 }
        public var rtpClockRate: Int { G722.rtpClockRate }
        public var frameSize: Int { G722.defaultFrameSize }

        public init() throws(CodecError) {
            guard let state = g722_encode_init(nil, G722.bitRate, 0) else {
                throw .allocationFailed(what: "G.722 encoder")
            }
            self.state = state
        }

        deinit {
            g722_encode_free(state)
        }

        /// Appends `pcm.count / 2` bytes. The count must be even: each byte codes a pair of
        /// samples (the QMF splits every two 16 kHz samples into one low and one high band sample).
        public func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: inout [UInt8]) throws(CodecError) {
            guard pcm.count % 2 == 0 else {
                throw .sampleCountNotMultiple(codec: G722.name, count: pcm.count, multiple: 2)
            }
            guard let input = pcm.baseAddress, pcm.count > 0 else { return }
            let start = out.count
            let bytes = pcm.count / 2
            out.append(contentsOf: repeatElement(0, count: bytes))
            let written = out.withUnsafeMutableBufferPointer { buffer in
                Int(g722_encode(state, buffer.baseAddress.map { $0 + start }, input, Int32(clamping: pcm.count)))
            }
            // spandsp writes exactly one byte per sample pair; trim defensively if it ever does not.
            if written < bytes { out.removeLast(bytes - max(written, 0)) }
        }
    }

    /// A G.722 decoder: stateful ADPCM, one per incoming stream. Every byte is a valid code, so
    /// no payload is corrupt; only oversized ones are refused.
    public final class Decoder: AudioDecoder {
        private let state: OpaquePointer
        private var lastFrameSize = G722.defaultFrameSize

        public var name: String { G722.name }
        public var sampleRate: Int { G722.sampleRate }
        public var channels: Int { 1 }
        public var rtpClockRate: Int { G722.rtpClockRate }

        public init() throws(CodecError) {
            guard let state = g722_decode_init(nil, G722.bitRate, 0) else {
                throw .allocationFailed(what: "G.722 decoder")
            }
            self.state = state
        }

        deinit {
            g722_decode_free(state)
        }

        /// Appends two samples per payload byte.
        public func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16]) throws(CodecError) {
            guard payload.count <= G722.maximumPayload else {
                throw .payloadTooLarge(codec: G722.name, count: payload.count, limit: G722.maximumPayload)
            }
            guard let input = payload.baseAddress, payload.count > 0 else { return }
            let start = out.count
            let samples = payload.count * 2
            out.append(contentsOf: repeatElement(0, count: samples))
            let written = out.withUnsafeMutableBufferPointer { buffer in
                Int(g722_decode(state, buffer.baseAddress.map { $0 + start },
                                input.assumingMemoryBound(to: UInt8.self), Int32(payload.count)))
            }
            if written < samples { out.removeLast(samples - max(written, 0)) }
            lastFrameSize = max(written, 2)
        }

        /// Appends silence as long as the last packet. The ADPCM predictor simply carries on
        /// with the next packet; ``LossConcealer`` adds waveform substitution on top.
        public func concealLoss(into out: inout [Int16]) {
            out.append(contentsOf: repeatElement(0, count: lastFrameSize))
        }
    }
}
