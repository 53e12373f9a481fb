extension WAVFile {
    /// Parses a RIFF/WAVE file held in memory. See ``WAVFile`` for what is tolerated.
    ///
    /// Chunks are walked in order; each is `id(4) size(4 LE) body(size) [pad byte if size is odd]`.
    /// The walk stops at the end of the bytes, at a chunk header that does not fit, or after a
    /// `data` chunk whose length had to be guessed (it then runs to the end of the file).
    public init(parsing bytes: [UInt8]) throws(WAVError) {
        guard bytes.count >= 12 else { throw WAVError.tooShort(length: bytes.count) }
        let magic = Array(bytes[0..<4])
        guard magic == WAVFile.riffTag || magic == WAVFile.rf64Tag else {
            throw WAVError.notRIFF(magic: magic)
        }
        let formType = Array(bytes[8..<12])
        guard formType == WAVFile.waveTag else { throw WAVError.notWAVE(formType: formType) }

        var format: ParsedFormat?
        var dataRange: Range<Int>?
        var offset = 12
        // Every pass advances `offset` by at least 8, so the walk ends within bytes.count / 8 passes.
        while offset <= bytes.count - 8 {
            let id = Array(bytes[offset..<offset + 4])
            let declared = Int(WAVFile.readUInt32(bytes, at: offset + 4))
            let bodyStart = offset + 8
            let available = bytes.count - bodyStart

            if id == WAVFile.dataTag {
                // 0 and 0xFFFFFFFF are what streaming writers leave before they know the length;
                // a size beyond the end means the file was cut short. Take what is there.
                let unknownLength = declared == 0 || declared == Int(UInt32.max) || declared > available
                let length = unknownLength ? available : declared
                if dataRange == nil { dataRange = bodyStart..<bodyStart + length }
                if unknownLength { break }
            } else if id == WAVFile.fmtTag {
                guard declared <= available else {
                    throw WAVError.formatChunkTooShort(size: available)
                }
                if format == nil {
                    format = try WAVFile.parseFormat(bytes[bodyStart..<bodyStart + declared])
                }
            }
            // Unknown chunks (LIST, fact, PEAK, bext, ...) are skipped.
            let next = bodyStart + declared + (declared % 2)
            guard next > offset, next <= bytes.count else { break }
            offset = next
        }

        guard let parsed = format else { throw WAVError.missingFormatChunk }
        guard let range = dataRange else { throw WAVError.missingDataChunk }
        let frame = parsed.format.bytesPerSample * parsed.channels
        let wholeFrames = range.count - range.count % frame
        self.init(format: parsed.format, sampleRate: parsed.sampleRate, channels: parsed.channels,
                  data: Array(bytes[range.lowerBound..<range.lowerBound + wholeFrames]))
    }

    struct ParsedFormat {
        var format: Format
        var sampleRate: Int
        var channels: Int
    }

    /// Reads a `fmt ` chunk body: WAVEFORMAT(EX) or WAVEFORMATEXTENSIBLE.
    static func parseFormat(_ body: ArraySlice<UInt8>) throws(WAVError) -> ParsedFormat {
        guard body.count >= 16 else { throw WAVError.formatChunkTooShort(size: body.count) }
        let base = body.startIndex
        var tag = readUInt16(body, at: base)
        let channels = Int(readUInt16(body, at: base + 2))
        let sampleRate = Int(readUInt32(body, at: base + 4))
        let bitsPerSample = Int(readUInt16(body, at: base + 14))

        // WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4) then a GUID whose first
        // two bytes are the real format tag.
        if tag == extensibleTag {
            guard body.count >= 40 else {
                throw WAVError.unsupportedFormat(formatTag: tag, bitsPerSample: bitsPerSample)
            }
            tag = readUInt16(body, at: base + 24)
        }
        guard channels >= 1, channels <= maximumChannels else {
            throw WAVError.invalidChannelCount(channels)
        }
        guard sampleRate >= 1, sampleRate <= maximumSampleRate else {
            throw WAVError.invalidSampleRate(sampleRate)
        }
        guard let format = Format(formatTag: tag, bitsPerSample: bitsPerSample) else {
            throw WAVError.unsupportedFormat(formatTag: tag, bitsPerSample: bitsPerSample)
        }
        return ParsedFormat(format: format, sampleRate: sampleRate, channels: channels)
    }

    static let riffTag: [UInt8] = Array("RIFF".utf8)
    static let rf64Tag: [UInt8] = Array("RF64".utf8)
    static let waveTag: [UInt8] = Array("WAVE".utf8)
    static let fmtTag: [UInt8] = Array("fmt ".utf8)
    static let dataTag: [UInt8] = Array("data".utf8)
    static let extensibleTag: UInt16 = 0xFFFE

    /// Callers guarantee `index + 2 <= bytes.endIndex`.
    static func readUInt16<Bytes: Collection<UInt8>>(_ bytes: Bytes, at index: Bytes.Index) -> UInt16
    where Bytes.Index == Int {
        UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
    }

    /// Callers guarantee `index + 4 <= bytes.endIndex`.
    static func readUInt32<Bytes: Collection<UInt8>>(_ bytes: Bytes, at index: Bytes.Index) -> UInt32
    where Bytes.Index == Int {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
            | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
    }
}
