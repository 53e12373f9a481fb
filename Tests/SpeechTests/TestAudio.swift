import Foundation
import Speech
import Synchronization
import XCTest

/// Signals and speech for the tests (all generated: no fixtures, no network).
enum TestAudio {
    static let frame = 320

    /// espeak-ng speech at `rate`, cached per (text, voice, rate): synthesis output varies a
    /// little between runs, so each test works from one rendering.
    static func speech(_ text: String, voice: String = SpeechSynthesizer.defaultVoice, rate: Int = 16000) throws -> SynthesizedSpeech {
        let key = "\(voice)|\(rate)|\(text)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let speech = try SpeechSynthesizer.shared.synthesizeAll(text, options: SynthesisOptions(voice: voice, sampleRate: rate))
        cache.withLock { $0[key] = speech }
        return speech
    }

    private static let cache = Mutex<[String: SynthesizedSpeech]>([:])

    static func silence(_ milliseconds: Int, rate: Int = 16000) -> [Int16] {
        [Int16](repeating: 0, count: milliseconds * rate / 1000)
    }

    /// Deterministic white noise at `level` dBFS RMS (uniform distribution).
    static func noise(_ milliseconds: Int, level: Double, rate: Int = 16000, seed: UInt64 = 1) -> [Int16] {
        var state = seed
        let amplitude = 32767 * pow(10, level / 20) * 3.0.squareRoot()
        return (0..<(milliseconds * rate / 1000)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let uniform = Double(state >> 11) / Double(1 << 53) * 2 - 1
            return Int16(clamping: Int(uniform * amplitude))
        }
    }

    /// Two sine tones of equal amplitude at `level` dBFS each (peak).
    static func tones(_ low: Double, _ high: Double, milliseconds: Int, level: Double = -10, rate: Int = 16000) -> [Int16] {
        let amplitude = 32767 * pow(10, level / 20)
        return (0..<(milliseconds * rate / 1000)).map { index in
            let t = Double(index) / Double(rate)
            let value = amplitude * (sin(2 * .pi * low * t) + sin(2 * .pi * high * t)) / 2
            return Int16(clamping: Int(value.rounded()))
        }
    }

    /// A cough-like burst: a few pitch pulses exciting a broad resonance, under a fast-attack,
    /// slow-decay envelope, `milliseconds` long. Voice-like enough for a VAD, no words.
    static func cough(_ milliseconds: Int, rate: Int = 16000) -> [Int16] {
        let count = milliseconds * rate / 1000
        let buzz = noise(milliseconds, level: -14, rate: rate, seed: 7)
        var out = [Int16](repeating: 0, count: count)
        var y1 = 0.0, y2 = 0.0
        for index in 0..<count {
            let t = Double(index) / Double(count)
            let envelope = min(1, t * 20) * exp(-3 * t)
            let pulse = index % (rate / 140) == 0 ? 12000.0 : 0
            let input = Double(buzz[index]) * 0.6 + pulse
            // Two-pole resonator near 700 Hz.
            let r = 0.97, theta = 2 * Double.pi * 700 / Double(rate)
            let y = input + 2 * r * cos(theta) * y1 - r * r * y2
            y2 = y1
            y1 = y
            out[index] = Int16(clamping: Int((y * 0.12 * envelope).rounded()))
        }
        return out
    }

    static func scaled(_ samples: [Int16], by factor: Double) -> [Int16] {
        samples.map { Int16(clamping: Int((Double($0) * factor).rounded())) }
    }

    /// Splits into frames of `size`, the last one padded with silence.
    static func frames(_ samples: [Int16], size: Int = frame) -> [[Int16]] {
        stride(from: 0, to: samples.count, by: size).map { start in
            var chunk = Array(samples[start..<min(start + size, samples.count)])
            if chunk.count < size { chunk += [Int16](repeating: 0, count: size - chunk.count) }
            return chunk
        }
    }
}

/// Collects a recognizer session's events and waits for them (liveness timeouts only).
final class RecognitionCollector: Sendable {
    private let events = Mutex<[RecognitionEvent]>([])
    private let signal = DispatchSemaphore(value: 0)

    var handler: @Sendable (RecognitionEvent) -> Void {
        { [self] event in
            events.withLock { $0.append(event) }
            signal.signal()
        }
    }

    var all: [RecognitionEvent] { events.withLock { $0 } }

    var finals: [RecognitionResult] {
        all.compactMap { if case .final(let result) = $0 { return result } else { return nil } }
    }

    /// Waits until `count` finals (or a failure) arrived; generous timeout for loaded machines.
    func waitForFinals(_ count: Int, timeout: TimeInterval = 60) -> [RecognitionResult] {
        let deadline = Date().addingTimeInterval(timeout)
        while finals.count < count, !hasFailure, Date() < deadline {
            _ = signal.wait(timeout: .now() + 0.5)
        }
        return finals
    }

    var hasFailure: Bool {
        all.contains { if case .failed = $0 { return true } else { return false } }
    }

    func waitForFailure(timeout: TimeInterval = 60) -> SpeechError? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for case .failed(let error) in all { return error }
            if all.contains(where: { if case .ready = $0 { return true } else { return false } }) { return nil }
            _ = signal.wait(timeout: .now() + 0.5)
        }
        return nil
    }
}

extension RecognizerSession {
    /// Feeds samples in 20 ms frames (at the session's rate) and ends the utterance.
    func feedUtterance(_ samples: [Int16]) {
        beginUtterance()
        for frame in TestAudio.frames(samples, size: inputSampleRate / 50) {
            frame.withUnsafeBufferPointer { _ = accept($0) }
        }
        endUtterance()
    }
}
