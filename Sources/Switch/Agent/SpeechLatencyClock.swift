import Foundation
import Speech

/// Times the speech engines of one agent call from the voice channel's events, whichever engine
/// runs (pocketsphinx and espeak-ng, or the remote providers):
///
/// - speech to text: from the end of the caller's speech (the endpointer's trailing silence)
///   to the recognizer's final result for it;
/// - text to speech: from asking for a sentence to its first audio going out, counted only for
///   a sentence asked for while nothing else was queued (a queued one waits for the others to
///   play, which is no synthesis time).
///
/// A value type fed with instants: the participant keeps it behind its lock.
struct SpeechLatencyClock {
    private var speechEnded: ContinuousClock.Instant?
    private var requested: [UInt64: ContinuousClock.Instant] = [:]
    /// Most sentences timed at once; more means their starts were lost (failed synthesis).
    static let maximumRequests = 64

    /// A sentence was asked for; `idle` when nothing else was waiting to be spoken.
    mutating func requested(_ id: UInt64, at now: ContinuousClock.Instant, idle: Bool) {
        guard idle else { return }
        if requested.count >= Self.maximumRequests { requested.removeAll() }
        requested[id] = now
    }

    /// What `event`, seen at `now`, completes: an STT or a TTS latency, or nothing.
    mutating func observe(_ event: AgentVoiceEvent, at now: ContinuousClock.Instant) -> SwitchEvent.AgentActivity? {
        switch event {
        case .speechEnded:
            speechEnded = now
        case .final:
            guard let ended = speechEnded else { return nil }
            speechEnded = nil
            return .sttLatency(seconds: Self.seconds(now - ended))
        case .utteranceStarted(let id):
            guard let asked = requested.removeValue(forKey: id.rawValue) else { return nil }
            return .ttsLatency(seconds: Self.seconds(now - asked))
        case .bargeIn(let id, _), .utteranceStopped(let id, _), .utteranceFinished(let id):
            requested[id.rawValue] = nil
        default:
            break
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
