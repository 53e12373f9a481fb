internal import COpus

extension Opus {
    /// What an Opus packet's table-of-contents byte and frame layout say (RFC 6716 §3.1–3.2),
    /// read without decoding: channels, frame count and duration, coded bandwidth.
    ///
    /// Parsing checks the whole frame layout (lengths, padding, frame counts), so a packet that
    /// parses here is structurally valid. Untrusted bytes never trap: they throw
    /// ``CodecError/corruptPayload(codec:reason:)``.
    public struct PacketInfo: Sendable, Equatable {
        /// 1 for a mono packet, 2 for stereo (the TOC `s` bit).
        public var channels: Int
        /// Frames in the packet (1...48).
        public var frameCount: Int
        /// Samples per frame at 48 kHz (120 for 2.5 ms ... 2880 for 60 ms).
        public var samplesPerFrame: Int
        /// The coded audio bandwidth.
        public var bandwidth: Bandwidth
        /// The size of each frame in bytes (a DTX frame has size 0).
        public var frameSizes: [Int]

        /// Total samples at 48 kHz (the RTP timestamp increment the packet covers).
        public var duration: Int { samplesPerFrame * frameCount }

        /// Reads the packet layout.
        public init(parsing payload: UnsafeRawBufferPointer) throws(CodecError) {
            guard payload.count <= Opus.maximumPayload else {
                throw .payloadTooLarge(codec: Opus.name, count: payload.count, limit: Opus.maximumPayload)
            }
            guard payload.count > 0, let base = payload.baseAddress else {
                throw .corruptPayload(codec: Opus.name, reason: "empty payload")
            }
            let data = base.assumingMemoryBound(to: UInt8.self)
            var toc: UInt8 = 0
            var offset: Int32 = 0
            var frames = [UnsafePointer<UInt8>?](repeating: nil, count: 48)
            var sizes = [Int16](repeating: 0, count: 48)
            let count = frames.withUnsafeMutableBufferPointer { framePointers in
                sizes.withUnsafeMutableBufferPointer { sizeValues -> Int32 in
                    guard let sizeBase = sizeValues.baseAddress else { return OPUS_INTERNAL_ERROR }
                    return opus_packet_parse(data, Int32(payload.count), &toc, framePointers.baseAddress,
                                             sizeBase, &offset)
                }
            }
            guard count > 0 else {
                throw .corruptPayload(codec: Opus.name, reason: Opus.message(count < 0 ? count : OPUS_INVALID_PACKET))
            }
            let perFrame = opus_packet_get_samples_per_frame(data, 48_000)
            let duration = Int(perFrame) * Int(count)
            guard duration <= 48 * Opus.maximumPacketDuration else {
                throw .corruptPayload(codec: Opus.name, reason: "\(duration) samples at 48 kHz exceed 120 ms")
            }
            channels = Int(opus_packet_get_nb_channels(data))
            frameCount = Int(count)
            samplesPerFrame = Int(perFrame)
            bandwidth = Self.bandwidth(tocBandwidth: opus_packet_get_bandwidth(data))
            frameSizes = sizes[0..<Int(count)].map { Int($0) }
        }

        /// Convenience for arrays.
        public init(parsing payload: [UInt8]) throws(CodecError) {
            self = try payload.withUnsafeBufferPointer { bytes throws(CodecError) in
                try PacketInfo(parsing: UnsafeRawBufferPointer(bytes))
            }
        }

        private static func bandwidth(tocBandwidth: Int32) -> Bandwidth {
            switch tocBandwidth {
            case OPUS_BANDWIDTH_NARROWBAND: return .narrowband
            case OPUS_BANDWIDTH_MEDIUMBAND: return .mediumband
            case OPUS_BANDWIDTH_WIDEBAND: return .wideband
            case OPUS_BANDWIDTH_SUPERWIDEBAND: return .superWideband
            default: return .fullband
            }
        }
    }
}
