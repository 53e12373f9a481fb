internal import CCodecShims
internal import COpus

extension Opus {
    /// An Opus encoder (VoIP application), one per outgoing stream. Owns the libopus state and
    /// frees it in `deinit`.
    ///
    /// With DTX on, libopus turns sustained silence into 1-byte packets after about 200 ms;
    /// ``isDiscontinuous(_:)`` tells the sender which packets RFC 7587 §3.1.3 lets it skip.
    public final class Encoder: AudioEncoder {
        public let sampleRate: Int
        public let channels: Int
        public let frameSize: Int
        public let configuration: Configuration
        private let state: OpaquePointer
        private var scratch: [UInt8]

        public var name: String { Opus.name }
        public var rtpClockRate: Int { Opus.rtpClockRate }

        /// Builds an encoder taking `channels` of PCM at `sampleRate` (8, 12, 16, 24 or 48 kHz).
        public init(sampleRate: Int = 48_000, channels: Int = 1,
                    configuration: Configuration = Configuration()) throws(CodecError) {
            try Opus.checkRate(sampleRate)
            try Opus.checkChannels(channels)
            try configuration.validate()
            var status: Int32 = OPUS_OK
            guard let state = opus_encoder_create(Int32(sampleRate), Int32(channels),
                                                  OPUS_APPLICATION_VOIP, &status), status == OPUS_OK
            else {
                throw .library(function: "opus_encoder_create", status: status)
            }
            self.state = state
            self.sampleRate = sampleRate
            self.channels = channels
            self.frameSize = sampleRate * configuration.frameDuration / 1000
            self.configuration = configuration
            self.scratch = [UInt8](repeating: 0, count: Opus.maximumPayload)
            do {
                try apply(configuration)
            } catch {
                opus_encoder_destroy(state)
                throw error
            }
        }

        deinit {
            opus_encoder_destroy(state)
        }

        private func apply(_ settings: Configuration) throws(CodecError) {
            let calls: [(String, Int32)] = [
                ("OPUS_SET_BITRATE", parley_opus_encoder_set_bitrate(state, Int32(settings.bitrate))),
                ("OPUS_SET_COMPLEXITY", parley_opus_encoder_set_complexity(state, Int32(settings.complexity))),
                ("OPUS_SET_INBAND_FEC", parley_opus_encoder_set_inband_fec(state, settings.inbandFEC ? 1 : 0)),
                ("OPUS_SET_PACKET_LOSS_PERC",
                 parley_opus_encoder_set_packet_loss_percent(state, Int32(settings.expectedPacketLoss))),
                ("OPUS_SET_DTX", parley_opus_encoder_set_dtx(state, settings.dtx ? 1 : 0)),
                ("OPUS_SET_SIGNAL", parley_opus_encoder_set_signal(state, settings.signal.rawValue)),
                ("OPUS_SET_MAX_BANDWIDTH",
                 parley_opus_encoder_set_max_bandwidth(state, Int32(settings.maxBandwidth.audioHz))),
            ]
            for (function, status) in calls where status != OPUS_OK {
                throw .library(function: function, status: status)
            }
        }

        /// Encodes exactly one frame: `frameSize * channels` interleaved samples.
        public func encode(_ pcm: UnsafeBufferPointer<Int16>, into out: inout [UInt8]) throws(CodecError) {
            let expected = frameSize * channels
            guard pcm.count == expected, let input = pcm.baseAddress else {
                throw .frameSizeMismatch(codec: Opus.name, expected: expected, actual: pcm.count)
            }
            let count = scratch.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let output = buffer.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
                return opus_encode(state, input, Int32(frameSize), output, Int32(buffer.count))
            }
            guard count >= 0 else { throw .library(function: "opus_encode", status: count) }
            out.append(contentsOf: scratch[0..<Int(count)])
        }

        /// Whether a payload is a DTX frame (RFC 7587 §3.1.3: a packet of one or two bytes
        /// carries no audio and need not be sent).
        public static func isDiscontinuous(_ payload: UnsafeRawBufferPointer) -> Bool {
            payload.count <= 2
        }

        /// The encoder's delay in samples at ``sampleRate`` (what a decoded signal lags its source).
        public var lookahead: Int {
            var value: Int32 = 0
            return parley_opus_encoder_get_lookahead(state, &value) == OPUS_OK ? Int(value) : 0
        }

        /// The bitrate libopus is actually targeting.
        public var bitrate: Int {
            var value: Int32 = 0
            return parley_opus_encoder_get_bitrate(state, &value) == OPUS_OK ? Int(value) : 0
        }

        /// Whether the last frame was coded as DTX silence.
        public var isInDTX: Bool {
            var value: Int32 = 0
            return parley_opus_encoder_get_in_dtx(state, &value) == OPUS_OK && value != 0
        }

        /// Forgets all history, as for a new stream (the settings stay).
        public func reset() {
            _ = parley_opus_encoder_reset(state)
        }
    }
}
