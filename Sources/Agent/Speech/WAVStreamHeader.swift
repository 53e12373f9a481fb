import Codecs

/// The part of a WAV file before its samples, read from the first bytes of a stream.
struct WAVStreamHeader: Equatable {
    var sampleRate: Int
    var channels: Int
    /// Bytes before the first sample.
    var headerLength: Int
    /// The `data` chunk's declared length, or nil when it runs to the end of the stream.
    var dataLength: Int?

    /// Nil while the bytes do not yet reach the `data` chunk's header; throws for a WAV this
    /// decoder cannot play (not 16-bit PCM, malformed `fmt `).
    static func parse(_ bytes: [UInt8]) throws(SpeechProviderError) -> WAVStreamHeader? {
        guard bytes.count >= 12 else { return nil }
        var offset = 12
        // Each pass advances by at least 8 bytes, so the walk ends within bytes.count / 8 passes.
        while offset <= bytes.count - 8 {
            let id = Array(bytes[offset..<offset + 4])
            let declared = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            if id == Array("data".utf8) {
                let headerLength = offset + 8
                let file: WAVFile
                do {
                    file = try WAVFile(parsing: Array(bytes[0..<headerLength]))
                } catch {
                    throw .badResponse("unreadable WAV header: \(error)")
                }
                guard file.format == .pcm16 else {
                    throw .badResponse("WAV audio is \(file.format), expected 16-bit PCM")
                }
                let open = declared == 0 || declared == Int(UInt32.max)
                return WAVStreamHeader(sampleRate: file.sampleRate, channels: file.channels,
                                       headerLength: headerLength, dataLength: open ? nil : declared)
            }
            let next = offset + 8 + declared + declared % 2
            guard next > offset else { return nil }
            offset = next
        }
        return nil
    }
}
