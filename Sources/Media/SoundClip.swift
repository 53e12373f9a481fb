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

/// Loads each sound file once and keeps it (sounds are small; hold music is shared by all calls).
public final class SoundLibrary: Sendable {
    private let cache = Mutex<[String: SoundClip]>([:])
    public init() {}

    public func clip(at url: URL) throws(MediaError) -> SoundClip {
        if let hit = cache.withLock({ $0[url.path] }) { return hit }
        let clip = try SoundClip.load(url)
        cache.withLock { $0[url.path] = clip }
        return clip
    }
}
