import Codecs
import Foundation

extension PeerFiles {
    /// Writes a 16-bit mono sine-tone WAV (a baresip source, say) and returns its URL. The file
    /// goes into `directory`, or a fresh scratch directory when nil. Remember that baresip ends a
    /// call when its source file ends: `seconds` is the call's length.
    public static func toneWAV(frequency: Double, seconds: Double, sampleRate: Int = 8000, amplitude: Double = 12000,
                               in directory: URL? = nil) throws(HarnessError) -> URL {
        let folder: URL
        if let directory { folder = directory } else { folder = try scratchDirectory("tones") }
        let url = folder.appendingPathComponent("tone-\(Int(frequency.rounded()))Hz-\(seconds)s-\(sampleRate).wav")
        let samples = AudioAnalysis.tone(frequency: frequency, seconds: seconds, sampleRate: sampleRate, amplitude: amplitude)
        do {
            try Data(WAVFile.pcm16(samples: samples, sampleRate: sampleRate).serialized()).write(to: url)
        } catch {
            throw HarnessError.file(path: url.path, reason: String(describing: error))
        }
        return url
    }

    /// Reads a recording as mono 16-bit samples (the first channel of a multi-channel file).
    /// Fails for G.711 or other non-PCM files.
    public static func readMonoPCM16(_ url: URL) throws(HarnessError) -> (samples: [Int16], sampleRate: Int) {
        let wav: WAVFile
        do {
            wav = try WAVFile(contentsOf: url)
        } catch {
            throw HarnessError.file(path: url.path, reason: error.description)
        }
        guard let interleaved = wav.pcm16Samples else {
            throw HarnessError.file(path: url.path, reason: "not 16-bit PCM (\(wav.format))")
        }
        let channels = max(wav.channels, 1)
        let samples = channels == 1 ? interleaved : stride(from: 0, to: interleaved.count, by: channels).map { interleaved[$0] }
        return (samples, wav.sampleRate)
    }
}
