internal import CSpeexDSP

/// A streaming sample-rate converter (speexdsp's windowed-sinc resampler) for one stream:
/// 8 ↔ 16 ↔ 48 kHz between codecs and rooms, 22.05 kHz → 8/16/48 kHz for espeak-ng's output.
///
/// It keeps its filter history between calls, so audio fed in pieces of any size comes out
/// exactly as if fed at once. The output lags the input by ``outputLatency`` samples (half the
/// filter length); over a whole stream the output holds `input × outputRate / inputRate`
/// samples, give or take one for non-integer ratios.
///
/// Quality runs from 0 (cheapest) to 10 (best); 3 is speexdsp's VoIP default, 5 its desktop
/// default. Measured on this machine: 8 → 16 kHz costs about 5 / 7 / 14 µs per 20 ms at quality
/// 3 / 5 / 8.
public final class Resampler {
    public let inputRate: Int
    public let outputRate: Int
    public let channels: Int
    public let quality: Int
    private var state: OpaquePointer

    /// Rates from 1 kHz to 192 kHz; 1 or 2 interleaved channels.
    public init(from inputRate: Int, to outputRate: Int, channels: Int = 1, quality: Int = 5) throws(CodecError) {
        for rate in [inputRate, outputRate] where !(1000...192_000).contains(rate) {
            throw .unsupportedSampleRate(codec: "resampler", sampleRate: rate)
        }
        guard channels == 1 || channels == 2 else {
            throw .invalidChannelCount(codec: "resampler", channels: channels)
        }
        guard (0...10).contains(quality) else {
            throw .invalidSetting(name: "resampler quality", value: quality)
        }
        var status: Int32 = 0
        guard let state = speex_resampler_init(UInt32(channels), UInt32(inputRate), UInt32(outputRate),
                                               Int32(quality), &status), status == 0
        else {
            throw .library(function: "speex_resampler_init", status: status)
        }
        self.state = state
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        self.quality = quality
    }

    deinit {
        speex_resampler_destroy(state)
    }

    /// The delay the filter adds, in output samples.
    public var outputLatency: Int { Int(speex_resampler_get_output_latency(state)) }

    /// The delay the filter adds, in input samples.
    public var inputLatency: Int { Int(speex_resampler_get_input_latency(state)) }

    /// An upper bound on the samples (per channel) `inputCount` more input can produce.
    public func maximumOutput(forInput inputCount: Int) -> Int {
        (inputCount * outputRate + inputRate - 1) / inputRate + 2
    }

    /// Converts `input` (interleaved when stereo) and appends every sample it produces to `out`.
    public func process(_ input: UnsafeBufferPointer<Int16>, into out: inout [Int16]) throws(CodecError) {
        guard input.count % channels == 0 else {
            throw .sampleCountNotMultiple(codec: "resampler", count: input.count, multiple: channels)
        }
        guard let source = input.baseAddress, !input.isEmpty else { return }
        var remaining = input.count / channels
        var consumed = 0
        // Each pass consumes input until the output space runs out; space for all of it is
        // reserved up front, so one pass normally suffices. The bound keeps a misbehaving
        // library from looping forever.
        for _ in 0..<8 where remaining > 0 {
            let room = maximumOutput(forInput: remaining)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: room * channels))
            var inLength = UInt32(clamping: remaining)
            var outLength = UInt32(clamping: room)
            let status = out.withUnsafeMutableBufferPointer { buffer in
                speex_resampler_process_interleaved_int(state, source + consumed * channels, &inLength,
                                                        buffer.baseAddress.map { $0 + start }, &outLength)
            }
            out.removeLast((room - Int(outLength)) * channels)
            guard status == 0 else {
                throw .library(function: "speex_resampler_process_interleaved_int", status: status)
            }
            consumed += Int(inLength)
            remaining -= Int(inLength)
            if inLength == 0 { break }
        }
    }

    /// Converts an array (tests and cold paths).
    public func process(_ input: [Int16]) throws(CodecError) -> [Int16] {
        var out: [Int16] = []
        try input.withUnsafeBufferPointer { buffer throws(CodecError) in
            try process(buffer, into: &out)
        }
        return out
    }

    /// Forgets all history, as for a new stream. speexdsp's own `reset_mem` keeps the filter
    /// phase, so the state is rebuilt instead (falling back to `reset_mem` if that fails).
    public func reset() {
        var status: Int32 = 0
        guard let fresh = speex_resampler_init(UInt32(channels), UInt32(inputRate), UInt32(outputRate),
                                               Int32(quality), &status), status == 0
        else {
            speex_resampler_reset_mem(state)
            return
        }
        speex_resampler_destroy(state)
        state = fresh
    }
}
