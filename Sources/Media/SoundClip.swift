import Codecs
import Foundation
import Synchronization

/// Decoded 16-bit mono audio at one sample rate, shared read-only between streams.
public final class SoundClip: Sendable {
    public let samples: [Int16]
    public let sampleRate: Int
    public let name: String

    public init(samples: [Int16], sampleRate: Int, name: String) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.name = name
    }

    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// Loads a 16-bit PCM mono WAV file.
    public static func load(_ url: URL) throws(MediaError) -> SoundClip {
        let wav: WAVFile
        do {
            wav = try WAVFile(contentsOf: url)
        } catch {
            throw MediaError("cannot read sound \(url.path): \(error)")
        }
        guard wav.channels == 1, let samples = wav.pcm16Samples else {
            throw MediaError("sound \(url.path) must be 16-bit PCM mono")
        }
        return SoundClip(samples: samples, sampleRate: wav.sampleRate, name: url.lastPathComponent)
    }
}

/// Loads each sound file once per sample rate and keeps it (sounds are small; hold music is shared
/// by all calls). A file at another rate is resampled once, at load.
public final class SoundLibrary: Sendable {
    private let cache = Mutex<[String: SoundClip]>([:])
    public init() {}

    public func clip(at url: URL, sampleRate: Int? = nil) throws(MediaError) -> SoundClip {
        let key = "\(url.path)@\(sampleRate ?? 0)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        var clip = try SoundClip.load(url)
        if let sampleRate, sampleRate != clip.sampleRate {
            do {
                let resampler = try Resampler(from: clip.sampleRate, to: sampleRate, quality: 8)
                var out: [Int16] = []
                try clip.samples.withUnsafeBufferPointer { buf throws(CodecError) in try resampler.process(buf, into: &out) }
                clip = SoundClip(samples: out, sampleRate: sampleRate, name: clip.name)
            } catch {
                throw MediaError("cannot resample \(url.path) to \(sampleRate) Hz: \(error)")
            }
        }
        cache.withLock { $0[key] = clip }
        return clip
    }
}
