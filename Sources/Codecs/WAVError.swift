/// Why bytes could not be read as a WAV (RIFF/WAVE) file.
///
/// Every case carries the offending value so a failing test or a log line says what was wrong,
/// not only that something was.
public enum WAVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes than the 12-byte RIFF/WAVE preamble.
    case tooShort(length: Int)
    /// The first four bytes are not `RIFF` (or `RF64`).
    case notRIFF(magic: [UInt8])
    /// The RIFF form type at bytes 8..<12 is not `WAVE`.
    case notWAVE(formType: [UInt8])
    /// No `fmt ` chunk was found before the end of the file.
    case missingFormatChunk
    /// No `data` chunk was found before the end of the file.
    case missingDataChunk
    /// The `fmt ` chunk is shorter than the 16 bytes every format needs.
    case formatChunkTooShort(size: Int)
    /// A format this type does not carry (only 16-bit PCM, 8-bit µ-law and 8-bit A-law are).
    case unsupportedFormat(formatTag: UInt16, bitsPerSample: Int)
    /// A channel count of zero or an implausibly large one.
    case invalidChannelCount(Int)
    /// A sample rate of zero or an implausibly large one.
    case invalidSampleRate(Int)
    /// The file could not be read at all.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooShort(let length):
            return "WAV: only \(length) bytes, a RIFF/WAVE header needs 12"
        case .notRIFF(let magic):
            return "WAV: file starts with \(WAVError.render(magic)), expected RIFF"
        case .notWAVE(let formType):
            return "WAV: RIFF form type is \(WAVError.render(formType)), expected WAVE"
        case .missingFormatChunk:
            return "WAV: no fmt chunk"
        case .missingDataChunk:
            return "WAV: no data chunk"
        case .formatChunkTooShort(let size):
            return "WAV: fmt chunk has \(size) bytes, needs at least 16"
        case .unsupportedFormat(let tag, let bits):
            return "WAV: unsupported format tag 0x\(String(tag, radix: 16)) with \(bits) bits per sample"
        case .invalidChannelCount(let count):
            return "WAV: invalid channel count \(count)"
        case .invalidSampleRate(let rate):
            return "WAV: invalid sample rate \(rate)"
        case .unreadableFile(let path, let reason):
            return "WAV: cannot read \(path): \(reason)"
        }
    }

    /// Four-character codes as text when printable, hex otherwise.
    static func render(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        }
        return bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}
