internal import CCodecShims
internal import COpus

extension Opus {
    /// An Opus decoder, one per incoming stream, producing PCM at any libopus rate (8, 12, 16,
    /// 24 or 48 kHz) and in mono or stereo whatever the sender coded (libopus up- or down-mixes).
    ///
    /// A corrupt packet throws ``CodecError/corruptPayload(codec:reason:)`` and leaves the state
    /// as it was. A lost packet is concealed by libopus's PLC (``concealLoss(into:)``) or, when
    /// the following packet is at hand, rebuilt from the in-band FEC it carries
    /// (``concealLoss(before:into:)``; libopus falls back to PLC when there is none).
    public final class Decoder: AudioDecoder {
        public let sampleRate: Int
        public let channels: Int
        private let state: OpaquePointer
        private let maximumFrame: Int
        private var scratch: [Int16]
        /// Samples per channel in the last packet: the duration concealment must fill.
        private var lastFrameSize: Int

        public var name: String { Opus.name }
        public var rtpClockRate: Int { Opus.rtpClockRate }

        public init(sampleRate: Int = 48_000, channels: Int = 1) throws(CodecError) {
            try Opus.checkRate(sampleRate)
            try Opus.checkChannels(channels)
            var status: Int32 = OPUS_OK
            guard let state = opus_decoder_create(Int32(sampleRate), Int32(channels), &status),
                  status == OPUS_OK
            else {
                throw .library(function: "opus_decoder_create", status: status)
            }
            self.state = state
            self.sampleRate = sampleRate
            self.channels = channels
            self.maximumFrame = sampleRate * Opus.maximumPacketDuration / 1000
            self.scratch = [Int16](repeating: 0, count: maximumFrame * channels)
            self.lastFrameSize = sampleRate / 50
        }

        deinit {
            opus_decoder_destroy(state)
        }

        public func decode(_ payload: UnsafeRawBufferPointer, into out: inout [Int16]) throws(CodecError) {
            let data = try validated(payload)
            let count = run(data, length: payload.count, frameSize: maximumFrame, fec: false)
            guard count >= 0 else { throw .corruptPayload(codec: Opus.name, reason: Opus.message(count)) }
            lastFrameSize = Int(count)
            append(frames: Int(count), to: &out)
        }

        /// Packet loss concealment for one lost packet as long as the last one.
        public func concealLoss(into out: inout [Int16]) throws(CodecError) {
            let count = run(nil, length: 0, frameSize: lastFrameSize, fec: false)
            guard count >= 0 else { throw .library(function: "opus_decode (PLC)", status: count) }
            append(frames: Int(count), to: &out)
        }

        /// Rebuilds the packet lost before `nextPayload` from the FEC data it carries. A corrupt
        /// `nextPayload` falls back to plain concealment (decoding it later reports the error).
        public func concealLoss(before nextPayload: UnsafeRawBufferPointer,
                                into out: inout [Int16]) throws(CodecError) {
            guard let data = try? validated(nextPayload) else {
                try concealLoss(into: &out)
                return
            }
            let count = run(data, length: nextPayload.count, frameSize: lastFrameSize, fec: true)
            guard count >= 0 else {
                try concealLoss(into: &out)
                return
            }
            append(frames: Int(count), to: &out)
        }

        /// Forgets all history, as for a new stream.
        public func reset() {
            _ = parley_opus_decoder_reset(state)
            lastFrameSize = sampleRate / 50
        }

        /// Checks size and structure before libopus sees the bytes: a payload that is empty, too
        /// large, malformed or longer than 120 ms is refused.
        private func validated(_ payload: UnsafeRawBufferPointer) throws(CodecError) -> UnsafePointer<UInt8> {
            guard payload.count <= Opus.maximumPayload else {
                throw .payloadTooLarge(codec: Opus.name, count: payload.count, limit: Opus.maximumPayload)
            }
            guard payload.count > 0, let base = payload.baseAddress else {
                throw .corruptPayload(codec: Opus.name, reason: "empty payload")
            }
            let data = base.assumingMemoryBound(to: UInt8.self)
            let samples = opus_packet_get_nb_samples(data, Int32(payload.count), Int32(sampleRate))
            guard samples > 0 else {
                throw .corruptPayload(codec: Opus.name, reason: Opus.message(samples < 0 ? samples : OPUS_INVALID_PACKET))
            }
            guard Int(samples) <= maximumFrame else {
                throw .corruptPayload(codec: Opus.name, reason: "\(samples) samples exceed 120 ms")
            }
            return data
        }

        private func run(_ data: UnsafePointer<UInt8>?, length: Int, frameSize: Int, fec: Bool) -> Int32 {
            let frames = min(frameSize, maximumFrame)
            return scratch.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let output = buffer.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
                return opus_decode(state, data, Int32(length), output, Int32(frames), fec ? 1 : 0)
            }
        }

        private func append(frames: Int, to out: inout [Int16]) {
            out.append(contentsOf: scratch[0..<(frames * channels)])
        }
    }
}
