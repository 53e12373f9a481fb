/// Plays a clip frame by frame at the clip's rate (a room's prompt, hold music, a tone). Pure.
struct ClipPlayer: Sendable {
    let id: UInt64
    let clip: SoundClip
    let loop: Bool
    private(set) var position = 0

    init(id: UInt64, clip: SoundClip, loop: Bool) {
        self.id = id
        self.clip = clip
        self.loop = loop
    }

    var finished: Bool { !loop && position >= clip.samples.count }

    /// Fills `frame` (zeros past the end of a non-looping clip); returns false once finished.
    mutating func fill(_ frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        let samples = clip.samples
        guard !samples.isEmpty else {
            for i in frame.indices { frame[i] = 0 }
            return false
        }
        for i in frame.indices {
            if position >= samples.count {
                if loop {
                    position = 0
                } else {
                    frame[i] = 0
                    continue
                }
            }
            frame[i] = samples[position]
            position += 1
        }
        return !finished
    }

    /// Mixes the next frame on top of `frame` (a prompt played to one member over what it hears).
    mutating func mix(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        let samples = clip.samples
        for i in frame.indices {
            if position >= samples.count {
                guard loop, !samples.isEmpty else { break }
                position = 0
            }
            frame[i] = Int16(clamping: Int32(frame[i]) + Int32(samples[position]))
            position += 1
        }
        return !finished
    }
}

/// Tones the switch plays into rooms, generated at a rate (no files needed).
public enum ToneClips {
    /// A sine burst of `frequency` Hz for `milliseconds`, at about -12 dBFS, with 5 ms ramps.
    public static func beep(frequency: Double, milliseconds: Int, sampleRate: Int, name: String = "beep") -> SoundClip {
        let count = sampleRate * milliseconds / 1000
        let ramp = max(1, sampleRate / 200)
        var samples = [Int16](repeating: 0, count: count)
        for i in 0..<count {
            let envelope = min(1.0, Double(min(i, count - 1 - i)) / Double(ramp))
            samples[i] = Int16(8000 * envelope * sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate)))
        }
        return SoundClip(samples: samples, sampleRate: sampleRate, name: name)
    }

    /// Ringback as callers in North America hear it (ITU-T E.180: 440 + 480 Hz, 2 s on, 4 s off),
    /// one 6 s cycle; loop it.
    public static func ringback(sampleRate: Int) -> SoundClip {
        let on = sampleRate * 2
        var samples = [Int16](repeating: 0, count: sampleRate * 6)
        let ramp = max(1, sampleRate / 200)
        for i in 0..<on {
            let envelope = min(1.0, Double(min(i, on - 1 - i)) / Double(ramp))
            let t = Double(i) / Double(sampleRate)
            samples[i] = Int16(3500 * envelope * (sin(2 * Double.pi * 440 * t) + sin(2 * Double.pi * 480 * t)))
        }
        return SoundClip(samples: samples, sampleRate: sampleRate, name: "ringback")
    }

    /// Rising two-note join tone.
    public static func join(sampleRate: Int) -> SoundClip {
        let a = beep(frequency: 600, milliseconds: 90, sampleRate: sampleRate)
        let b = beep(frequency: 900, milliseconds: 120, sampleRate: sampleRate)
        return SoundClip(samples: a.samples + b.samples, sampleRate: sampleRate, name: "join-tone")
    }

    /// Falling two-note leave tone.
    public static func leave(sampleRate: Int) -> SoundClip {
        let a = beep(frequency: 900, milliseconds: 90, sampleRate: sampleRate)
        let b = beep(frequency: 600, milliseconds: 120, sampleRate: sampleRate)
        return SoundClip(samples: a.samples + b.samples, sampleRate: sampleRate, name: "leave-tone")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
