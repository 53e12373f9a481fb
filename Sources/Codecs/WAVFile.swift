import Foundation

/// A WAV (RIFF/WAVE) file held in memory: its format, rate, channel count and sample bytes.
///
/// `WAVFile` parses and serializes itself and does no I/O beyond ``init(contentsOf:)``. It carries
/// the three encodings telephony needs: 16-bit linear PCM, 8-bit G.711 µ-law and 8-bit G.711 A-law.
/// It does not convert between them (that is the G.711 codec's job) and does not resample.
///
/// Parsing is lenient the way real recordings need: unknown chunks (`LIST`, `fact`, `PEAK`...) are
/// skipped, odd-sized chunks are padded, `WAVE_FORMAT_EXTENSIBLE` is unwrapped, and a `data` chunk
/// whose size is 0, 0xFFFFFFFF or larger than the file (a recording still being written, or cut
/// short) yields the bytes actually present. A trailing partial sample frame is dropped, so `data`
/// always holds whole frames. Bad bytes produce a ``WAVError``; parsing never traps.
///
/// Serialization always writes the canonical 44-byte header (``header(format:sampleRate:channels:dataLength:)``),
/// which a streaming recorder can write first and patch when it knows the length.
public struct WAVFile: Sendable, Equatable {
    /// The sample encoding of ``data``.
    public enum Format: Sendable {
        /// Signed 16-bit little-endian linear PCM (WAVE_FORMAT_PCM, tag 1).
        case pcm16
        /// 8-bit G.711 µ-law (WAVE_FORMAT_MULAW, tag 7).
        case muLaw
        /// 8-bit G.711 A-law (WAVE_FORMAT_ALAW, tag 6).
        case aLaw

        /// The `wFormatTag` written in the `fmt ` chunk.
        public var formatTag: UInt16 {
            switch self {
            case .pcm16: return 1
            case .aLaw: return 6
            case .muLaw: return 7
            }
        }

        /// Bytes one sample of one channel takes.
        public var bytesPerSample: Int {
            switch self {
            case .pcm16: return 2
            case .muLaw, .aLaw: return 1
            }
        }

        /// The format for a `wFormatTag` and bit depth, or nil when unsupported.
        public init?(formatTag: UInt16, bitsPerSample: Int) {
            switch (formatTag, bitsPerSample) {
            case (1, 16): self = .pcm16
            case (6, 8): self = .aLaw
            case (7, 8): self = .muLaw
            default: return nil
            }
        }
    }

    /// Largest channel count accepted when parsing; anything above is treated as corruption.
    public static let maximumChannels = 64
    /// Largest sample rate accepted when parsing; anything above is treated as corruption.
    public static let maximumSampleRate = 1_000_000

    public var format: Format
    /// Sample frames per second.
    public var sampleRate: Int
    public var channels: Int
    /// The sample bytes exactly as stored in the `data` chunk (interleaved, little-endian for PCM).
    public var data: [UInt8]

    public init(format: Format, sampleRate: Int, channels: Int, data: [UInt8]) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.data = data
    }

    /// Reads and parses a file. Read failures become ``WAVError/unreadableFile(path:reason:)``.
    public init(contentsOf url: URL) throws(WAVError) {
        let contents: Data
        do {
            contents = try Data(contentsOf: url)
        } catch {
            throw WAVError.unreadableFile(path: url.path, reason: String(describing: error))
        }
        try self.init(parsing: [UInt8](contents))
    }

    /// A 16-bit PCM file from interleaved samples.
    public static func pcm16(samples: [Int16], sampleRate: Int, channels: Int = 1) -> WAVFile {
        var bytes = [UInt8]()
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return WAVFile(format: .pcm16, sampleRate: sampleRate, channels: channels, data: bytes)
    }

    /// Interleaved samples when the format is ``Format/pcm16``, nil otherwise.
    public var pcm16Samples: [Int16]? {
        guard format == .pcm16 else { return nil }
        let count = data.count / 2
        var samples = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let low = UInt16(data[2 * index])
            let high = UInt16(data[2 * index + 1])
            samples[index] = Int16(bitPattern: low | high << 8)
        }
        return samples
    }

    /// Bytes per sample frame (one sample of every channel).
    public var blockAlign: Int { format.bytesPerSample * max(channels, 1) }

    /// Number of whole sample frames in ``data``.
    public var frameCount: Int { data.count / blockAlign }

    /// Playing time in seconds (0 when the sample rate is not positive).
    public var duration: Double {
        sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0
    }

    /// The file as bytes: the 44-byte header, the data, and a pad byte when the data length is odd.
    public func serialized() -> [UInt8] {
        var bytes = WAVFile.header(format: format, sampleRate: sampleRate, channels: channels,
                                   dataLength: data.count)
        bytes.reserveCapacity(bytes.count + data.count + 1)
        bytes.append(contentsOf: data)
        if data.count % 2 == 1 { bytes.append(0) }  // RIFF chunks are word aligned
        return bytes
    }

    /// The canonical 44-byte header: `RIFF` preamble, a 16-byte `fmt ` chunk, and the `data` chunk
    /// header for `dataLength` bytes. Lengths that do not fit 32 bits are written as 0xFFFFFFFF,
    /// which ``init(parsing:)`` reads as "up to the end of the file"; negative lengths as 0.
    public static func header(format: Format, sampleRate: Int, channels: Int, dataLength: Int) -> [UInt8] {
        let length = max(dataLength, 0)
        let padded = length + (length % 2)
        let riffSize = padded <= Int(UInt32.max) - 36 ? UInt32(36 + padded) : UInt32.max
        let dataSize = length <= Int(UInt32.max) ? UInt32(length) : UInt32.max
        let clampedChannels = UInt16(clamping: channels)
        let rate = UInt32(clamping: sampleRate)
        let blockAlign = UInt16(clamping: format.bytesPerSample * Int(clampedChannels))
        let byteRate = UInt32(clamping: Int(rate) * Int(blockAlign))

        var header = [UInt8]()
        header.reserveCapacity(44)
        header.append(contentsOf: Array("RIFF".utf8))
        appendLE(riffSize, to: &header)
        header.append(contentsOf: Array("WAVEfmt ".utf8))
        appendLE(UInt32(16), to: &header)
        appendLE(format.formatTag, to: &header)
        appendLE(clampedChannels, to: &header)
        appendLE(rate, to: &header)
        appendLE(byteRate, to: &header)
        appendLE(blockAlign, to: &header)
        appendLE(UInt16(format.bytesPerSample * 8), to: &header)
        header.append(contentsOf: Array("data".utf8))
        appendLE(dataSize, to: &header)
        return header
    }

    static func appendLE<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        var remaining = value.littleEndian
        withUnsafeBytes(of: &remaining) { bytes.append(contentsOf: $0) }
    }
}
