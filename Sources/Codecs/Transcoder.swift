/// Converts a stream from one codec to another, packet by packet: decode → (mix channels) →
/// resample → encode, for any pair of G.711 µ/A-law, G.722 and Opus.
///
/// Opus runs at the other side's PCM rate (it encodes from and decodes to 8 or 16 kHz directly),
/// so only G.711 ↔ G.722 needs the resampler. Decoded audio is queued and cut into frames of
/// `frameDuration`, so one packet in gives one packet out when both sides use the same packet
/// time, and the right number otherwise. The transcoder owns its codec states: one per stream
/// direction, used from one media loop at a time.
public final class Transcoder {
    public let source: CodecDescription
    public let target: CodecDescription
    /// Milliseconds per outgoing packet.
    public let frameDuration: Int
    private var decoder: any AudioDecoder
    private var encoder: any AudioEncoder
    private let resampler: Resampler?
    private var decoded: [Int16] = []
    private var mixed: [Int16] = []
    private var pending: [Int16] = []
    private var packet: [UInt8] = []
    private let frameSamples: Int

    /// The PCM rate audio is decoded to.
    public var decoderSampleRate: Int { decoder.sampleRate }
    /// The PCM rate audio is encoded from.
    public var encoderSampleRate: Int { encoder.sampleRate }
    /// Whether a resampler sits between decoder and encoder.
    public var resamples: Bool { resampler != nil }

    /// - Parameters:
    ///   - source: what arrives (our receive description).
    ///   - target: what the other leg receives (its description; its fmtp shapes the encoder).
    ///   - frameDuration: milliseconds per outgoing packet (10, 20, 40 or 60 for Opus).
    ///   - resamplerQuality: speexdsp quality 0...10 for the G.711 ↔ G.722 rate change.
    public init(from source: CodecDescription, to target: CodecDescription,
                factory: CodecFactory = CodecFactory(), frameDuration: Int = 20,
                resamplerQuality: Int = 5) throws(CodecError) {
        guard (1...120).contains(frameDuration) else {
            throw .invalidSetting(name: "frameDuration", value: frameDuration)
        }
        let decodeRate: Int
        let encodeRate: Int
        switch (source.encoding == .opus, target.encoding == .opus) {
        case (true, false):
            decodeRate = target.encoding.naturalSampleRate
            encodeRate = decodeRate
        case (false, true):
            decodeRate = source.encoding.naturalSampleRate
            encodeRate = decodeRate
        default:
            decodeRate = source.encoding.naturalSampleRate
            encodeRate = target.encoding.naturalSampleRate
        }
        let encoder = try factory.makeEncoder(for: target, sampleRate: encodeRate, frameDuration: frameDuration)
        let decoderChannels = source.encoding == .opus ? encoder.channels : 1
        self.decoder = try factory.makeDecoder(for: source, sampleRate: decodeRate, channels: decoderChannels)
        self.encoder = encoder
        self.resampler = decodeRate == encodeRate ? nil
            : try Resampler(from: decodeRate, to: encodeRate, channels: encoder.channels, quality: resamplerQuality)
        self.source = source
        self.target = target
        self.frameDuration = frameDuration
        self.frameSamples = encodeRate * frameDuration / 1000 * encoder.channels
    }

    /// Transcodes one payload, calling `emit` with each packet produced (usually one; none while
    /// the first frame is still filling or when packet times differ). Returns how many.
    @discardableResult
    public func transcode(_ payload: UnsafeRawBufferPointer,
                          emit: (UnsafeRawBufferPointer) -> Void) throws(CodecError) -> Int {
        decoded.removeAll(keepingCapacity: true)
        try decoder.decode(payload, into: &decoded)
        return try forward(emit: emit)
    }

    /// Conceals one lost incoming packet and forwards the concealment audio.
    @discardableResult
    public func concealLoss(emit: (UnsafeRawBufferPointer) -> Void) throws(CodecError) -> Int {
        decoded.removeAll(keepingCapacity: true)
        try decoder.concealLoss(into: &decoded)
        return try forward(emit: emit)
    }

    /// Conceals the packet lost before `nextPayload` with the FEC it carries (Opus sources).
    @discardableResult
    public func concealLoss(before nextPayload: UnsafeRawBufferPointer,
                            emit: (UnsafeRawBufferPointer) -> Void) throws(CodecError) -> Int {
        decoded.removeAll(keepingCapacity: true)
        try decoder.concealLoss(before: nextPayload, into: &decoded)
        return try forward(emit: emit)
    }

    /// Array convenience: the packets produced for one payload.
    public func transcode(_ payload: [UInt8]) throws(CodecError) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        try payload.withUnsafeBufferPointer { bytes throws(CodecError) in
            _ = try transcode(UnsafeRawBufferPointer(bytes)) { packets.append(Array($0)) }
        }
        return packets
    }

    private func forward(emit: (UnsafeRawBufferPointer) -> Void) throws(CodecError) -> Int {
        let channelsIn = decoder.channels
        let channelsOut = encoder.channels
        if channelsIn == channelsOut {
            try resampleOrQueue(decoded)
        } else {
            mixed.removeAll(keepingCapacity: true)
            Self.convert(decoded, from: channelsIn, to: channelsOut, into: &mixed)
            try resampleOrQueue(mixed)
        }
        var produced = 0
        var offset = 0
        while pending.count - offset >= frameSamples {
            packet.removeAll(keepingCapacity: true)
            try pending.withUnsafeBufferPointer { buffer throws(CodecError) in
                try encoder.encode(UnsafeBufferPointer(rebasing: buffer[offset..<(offset + frameSamples)]),
                                   into: &packet)
            }
            packet.withUnsafeBytes { emit($0) }
            offset += frameSamples
            produced += 1
        }
        pending.removeFirst(offset)
        return produced
    }

    private func resampleOrQueue(_ samples: [Int16]) throws(CodecError) {
        guard let resampler else {
            pending.append(contentsOf: samples)
            return
        }
        try samples.withUnsafeBufferPointer { buffer throws(CodecError) in
            try resampler.process(buffer, into: &pending)
        }
    }

    /// Down-mixes stereo to mono by averaging, or up-mixes mono by duplicating.
    static func convert(_ input: [Int16], from channelsIn: Int, to channelsOut: Int, into out: inout [Int16]) {
        if channelsIn == 2, channelsOut == 1 {
            var index = 0
            while index + 1 < input.count {
                out.append(Int16(truncatingIfNeeded: (Int32(input[index]) + Int32(input[index + 1])) >> 1))
                index += 2
            }
        } else if channelsIn == 1, channelsOut == 2 {
            for sample in input {
                out.append(sample)
                out.append(sample)
            }
        } else {
            out.append(contentsOf: input)
        }
    }
}
