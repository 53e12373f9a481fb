import Codecs
import Synchronization

/// Feeds a recognizer running at 8 kHz from the agent's 16 kHz channel.
///
/// A caller on G.711 sends 8 kHz audio; the room upsamples it to the channel's 16 kHz, which
/// holds nothing above 4 kHz. Pocketsphinx's wideband model decodes such audio badly (measured
/// with espeak-ng phrases through 8 → 16 kHz: "what are your opening hours" came out as "what
/// are you on that barack"), while its 8 kHz front end (narrowband filterbank) gets it right. So
/// for narrowband calls the host wraps an 8 kHz ``RecognizerSession`` in this adapter, which
/// brings each frame back down to 8 kHz (speexdsp) before queueing it.
public final class NarrowbandRecognizer: UtteranceRecognizer {
    /// The 8 kHz session the audio goes to.
    public let session: RecognizerSession
    private let resampler: Mutex<(resampler: Resampler, buffer: [Int16])>

    /// `session` must take 8 kHz input.
    public init(_ session: RecognizerSession) throws(SpeechError) {
        guard session.inputSampleRate == 8000 else {
            throw .unsupportedSampleRate(component: "narrowband recognizer", sampleRate: session.inputSampleRate)
        }
        self.session = session
        do {
            resampler = Mutex((try Resampler(from: AgentVoiceChannel.sampleRate, to: 8000), []))
        } catch {
            throw .unsupportedSampleRate(component: "narrowband resampler", sampleRate: AgentVoiceChannel.sampleRate)
        }
    }

    public func beginUtterance() {
        session.beginUtterance()
    }

    /// Takes a 16 kHz frame; queues its 8 kHz version.
    @discardableResult
    public func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        resampler.withLock { state in
            state.buffer.removeAll(keepingCapacity: true)
            do {
                try state.resampler.process(frame, into: &state.buffer)
            } catch {
                return false
            }
            guard !state.buffer.isEmpty else { return true }
            return state.buffer.withUnsafeBufferPointer { session.accept($0) }
        }
    }

    public func endUtterance() {
        session.endUtterance()
    }

    public func close() {
        session.close()
    }
}
