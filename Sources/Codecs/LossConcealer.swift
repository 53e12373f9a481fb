internal import CSpanDSP

/// Adds packet loss concealment to a mono decoder that has none of its own (G.711, G.722).
///
/// It is a stage wrapped around the decoder: every decoded frame is recorded in spandsp's PLC
/// history, and a lost frame is synthesised by repeating the last pitch period with overlap-add,
/// fading to silence over about 50 ms at 8 kHz (spandsp's G.711 Appendix I-style concealer). The
/// first good frame after a gap is blended into the synthetic audio, so frames that follow a loss
/// may differ slightly from the base decoder's output.
///
/// spandsp tunes its pitch search for 8 kHz speech (66–200 Hz). At 16 kHz (G.722) the same search
/// covers 133–400 Hz and the fade is twice as fast: still far better than silence.
public final class LossConcealer<Base: AudioDecoder>: AudioDecoder {
    private var base: Base
    private let state: UnsafeMutablePointer<plc_state_t>
    private var lastFrameSize: Int

    public var name: String { base.name }
    public var sampleRate: Int { base.sampleRate }
    public var channels: Int { base.channels }
    public var rtpClockRate: Int { base.rtpClockRate }

    /// Wraps `base`, which must be mono.
    public init(_ base: Base) throws(CodecError) {
        guard base.channels == 1 else {
            throw .invalidChannelCount(codec: base.name, channels: base.channels)
        }
        guard let state = plc_init(nil) else {
            throw .allocationFailed(what: "packet loss concealer")
        }
        self.base = base
        self.state = state
        self.lastFrameSize = base.sampleRate / 50
    }

    deinit {
        plc_free(state)
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16]) throws(CodecError) {
        let start = out.count
        try base.decode(payload, into: &out)
        let decoded = out.count - start
        guard decoded > 0 else { return }
        lastFrameSize = decoded
        out.withUnsafeMutableBufferPointer { buffer in
            _ = plc_rx(state, buffer.baseAddress.map { $0 + start }, Int32(clamping: decoded))
        }
    }

    public func concealLoss(into out: inout [Int16]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: lastFrameSize))
        out.withUnsafeMutableBufferPointer { buffer in
            _ = plc_fillin(state, buffer.baseAddress.map { $0 + start }, Int32(clamping: lastFrameSize))
        }
    }
}
