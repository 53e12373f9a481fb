import Codecs

/// Turns the bytes of an `/audio/speech` body, as they arrive in pieces of any size, into
/// 16-bit mono PCM at the output rate (sans-I/O; never traps on bad bytes).
///
/// The body is raw PCM (`response_format: pcm`: 16-bit little-endian mono at ``rawSampleRate``,
/// 24 kHz for OpenAI) unless it starts with `RIFF`/`RF64`, in which case its WAV header is read
/// first (16-bit PCM, any rate, stereo folded to mono; a `data` length of 0 or 0xFFFFFFFF, as
/// streaming servers write, means "to the end"). Audio is resampled with speexdsp; the filter's
/// delay is trimmed at the start and its tail flushed by ``finish()``, which also makes the total
/// exactly `input × outputRate / inputRate` samples (rounded down).
///
/// It also tracks where the voiced part of the audio lies (``voicedRange``): the first and last
/// output samples louder than ``voiceThreshold``, for spreading estimated word marks.
struct SpeechAudioDecoder {
    /// Largest WAV header (all chunks before `data`) read before giving up.
    static let maximumHeader = 65_536
    /// |sample| above this counts as voiced (about −36 dBFS).
    static let voiceThreshold: Int16 = 512

    let outputRate: Int
    let rawSampleRate: Int
    private var stage = Stage.detecting
    private var pending: [UInt8] = []
    private var resampler: Resampler?
    private var inputRate = 0
    private var channels = 1
    private var dataRemaining = Int.max
    private var latencyToTrim = 0
    private(set) var inputFrames = 0
    private(set) var producedSamples = 0
    private(set) var firstVoiced: Int?
    private(set) var lastVoiced: Int?

    private enum Stage {
        case detecting
        case header
        case audio
        case finished
    }

    init(outputRate: Int, rawSampleRate: Int = 24_000) {
        self.outputRate = outputRate
        self.rawSampleRate = rawSampleRate
    }

    /// Whether the body turned out to be a WAV file.
    private(set) var isWAV = false

    /// The rate of the body's audio, once known.
    var sourceRate: Int? { inputRate > 0 ? inputRate : nil }

    /// The voiced span of the output so far, in output samples.
    var voicedRange: Range<Int>? {
        guard let firstVoiced, let lastVoiced, lastVoiced >= firstVoiced else { return nil }
        return firstVoiced..<(lastVoiced + 1)
    }

    /// Takes the next bytes of the body; returns the output samples they complete.
    mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(SpeechProviderError) -> [Int16] {
        guard !bytes.isEmpty else { return [] }
        switch stage {
        case .finished:
            return []
        case .detecting, .header:
            pending.append(contentsOf: bytes)
            return try advanceHeader()
        case .audio:
            pending.append(contentsOf: bytes)
            return try convertPending()
        }
    }

    /// The body ended: flushes the resampler and pads or trims to the exact length.
    mutating func finish() throws(SpeechProviderError) -> [Int16] {
        switch stage {
        case .finished:
            return []
        case .detecting:
            // Fewer than four bytes in all: raw PCM too short to be a WAV.
            try startAudio(rate: rawSampleRate, channels: 1)
            var out = try convertPending()
            out += try flush()
            return out
        case .header:
            throw .badResponse("WAV body ended inside its header (\(pending.count) bytes)")
        case .audio:
            return try flush()
        }
    }

    private mutating func advanceHeader() throws(SpeechProviderError) -> [Int16] {
        if stage == .detecting {
            guard pending.count >= 4 else { return [] }
            let magic = Array(pending[0..<4])
            if magic == Array("RIFF".utf8) || magic == Array("RF64".utf8) {
                stage = .header
                isWAV = true
            } else {
                try startAudio(rate: rawSampleRate, channels: 1)
                return try convertPending()
            }
        }
        guard let header = try WAVStreamHeader.parse(pending) else {
            if pending.count > Self.maximumHeader {
                throw .badResponse("no WAV data chunk in the first \(Self.maximumHeader) bytes")
            }
            return []
        }
        try startAudio(rate: header.sampleRate, channels: header.channels)
        dataRemaining = header.dataLength ?? Int.max
        pending.removeFirst(header.headerLength)
        return try convertPending()
    }

    private mutating func startAudio(rate: Int, channels: Int) throws(SpeechProviderError) {
        inputRate = rate
        self.channels = max(1, channels)
        stage = .audio
        guard rate != outputRate else { return }
        do {
            let resampler = try Resampler(from: rate, to: outputRate, quality: 5)
            self.resampler = resampler
            latencyToTrim = resampler.outputLatency
        } catch {
            throw .resampler(error)
        }
    }

    /// Converts every whole sample frame in `pending` (keeping a partial one for next time).
    private mutating func convertPending() throws(SpeechProviderError) -> [Int16] {
        let frameBytes = 2 * channels
        let usable = min(pending.count, dataRemaining)
        let whole = usable - usable % frameBytes
        guard whole > 0 else {
            if dataRemaining <= pending.count { pending.removeAll() }
            return []
        }
        var mono = [Int16](repeating: 0, count: whole / frameBytes)
        pending.withUnsafeBufferPointer { bytes in
            for frame in mono.indices {
                var sum = 0
                for channel in 0..<channels {
                    let at = frame * frameBytes + channel * 2
                    sum += Int(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
                }
                mono[frame] = Int16(clamping: sum / channels)
            }
        }
        pending.removeFirst(whole)
        if dataRemaining != Int.max {
            dataRemaining -= whole
            if dataRemaining < frameBytes {
                // The data chunk is complete: anything after it (trailing chunks) is not audio.
                pending.removeAll()
                dataRemaining = 0
            }
        }
        inputFrames += mono.count
        return try resample(mono)
    }

    private mutating func resample(_ input: [Int16]) throws(SpeechProviderError) -> [Int16] {
        var out: [Int16]
        if let resampler {
            out = []
            do {
                try input.withUnsafeBufferPointer { buffer throws(CodecError) in try resampler.process(buffer, into: &out) }
            } catch {
                throw .resampler(error)
            }
            if latencyToTrim > 0 {
                let drop = min(latencyToTrim, out.count)
                out.removeFirst(drop)
                latencyToTrim -= drop
            }
        } else {
            out = input
        }
        // Never more than the exact total so far allows (the flush settles the remainder).
        let allowed = max(0, expectedTotal - producedSamples)
        if out.count > allowed { out.removeLast(out.count - allowed) }
        record(out)
        return out
    }

    /// The exact output length for the input so far.
    private var expectedTotal: Int {
        inputRate > 0 ? inputFrames * outputRate / inputRate : 0
    }

    private mutating func flush() throws(SpeechProviderError) -> [Int16] {
        stage = .finished
        pending.removeAll()
        var out: [Int16] = []
        if let resampler {
            let zeros = [Int16](repeating: 0, count: resampler.inputLatency + 2)
            do {
                try zeros.withUnsafeBufferPointer { buffer throws(CodecError) in try resampler.process(buffer, into: &out) }
            } catch {
                throw .resampler(error)
            }
            let drop = min(latencyToTrim, out.count)
            out.removeFirst(drop)
            latencyToTrim -= drop
        }
        let missing = expectedTotal - producedSamples
        if out.count > missing { out.removeLast(out.count - max(0, missing)) }
        if out.count < missing { out += repeatElement(0, count: missing - out.count) }
        record(out)
        return out
    }

    private mutating func record(_ out: [Int16]) {
        for (index, sample) in out.enumerated() where sample > Self.voiceThreshold || sample < -Self.voiceThreshold {
            if firstVoiced == nil { firstVoiced = producedSamples + index }
            lastVoiced = producedSamples + index
        }
        producedSamples += out.count
    }
}
