import Synchronization

/// The AI participant's ears and mouth in a call, driven by a media thread every 20 ms (sans-I/O).
///
/// **The `Speech` module** owns the offline speech engines (espeak-ng text-to-speech,
/// pocketsphinx recognition, WebRTC voice activity detection) and the agent's voice pipeline
/// built on them, with this channel as its entry point: text becomes 8/16/48 kHz PCM with word
/// marks, 8/16 kHz PCM becomes words, and turn-taking and barge-in are decided on the media
/// thread's 20 ms tick. It must not do network or RTP I/O, read the wall clock in its logic, or
/// know about SIP, rooms, dialplans or the language model: the host (Media/Switch) feeds it frames
/// and drains its events, and the agent logic decides what to say.
///
/// Each tick the media thread hands it the 20 ms of room audio the agent hears (``hear(_:)``,
/// the caller's side, 16 kHz) and asks it for the agent's next 20 ms (``speak(into:)``). Other
/// threads queue what the agent should say (``enqueue(_:text:)`` plus the synthesizer's audio,
/// or ``say(_:id:synthesizer:options:)`` which does both) and drain what happened
/// (``drainEvents()``).
///
/// On what it hears it runs a ``ToneMask`` (DTMF and call-progress tones never count as speech),
/// WebRTC VAD, an echo guard and a ``SpeechEndpointer``, and hands each caller utterance (with
/// ``AgentVoiceConfiguration/preRoll`` of audio before the onset) to its ``UtteranceRecognizer``.
///
/// **Barge-in is decided here**, not by the host: a speech onset (speech lasting the endpointer's
/// minimum, 80 ms by default) while the agent has anything queued stops the agent on the very
/// next ``speak(into:)`` (onset to silence = guard + at most one tick), drops the queue and emits
/// ``AgentVoiceEvent/bargeIn(_:heard:)`` with exactly the words whose audio was fully played.
/// If the interruption yields no words (a cough: empty or rejected final, or nothing within
/// ``AgentVoiceConfiguration/falseInterruptionTimeout``), it emits
/// ``AgentVoiceEvent/falseInterruption(_:remaining:)`` so the host can resume.
///
/// Time is the count of frames heard (20 ms each), so tests drive it deterministically. All
/// methods are thread-safe; state sits behind one lock that each call holds only for its own
/// work (about 20 µs for `hear`, a copy for the others), so the media thread never waits on
/// synthesis or recognition.
public final class AgentVoiceChannel: Sendable {
    /// The channel's PCM rate.
    public static let sampleRate = AgentVoiceState.sampleRate
    /// Samples in every frame given to ``hear(_:)`` and ``speak(into:)`` (20 ms).
    public static let frameSamples = AgentVoiceState.frameSamples
    /// The tick.
    public static let frameDuration = AgentVoiceState.frameDuration

    private let state: Mutex<AgentVoiceState>

    public init(configuration: AgentVoiceConfiguration = AgentVoiceConfiguration()) throws(SpeechError) {
        state = Mutex(try AgentVoiceState(configuration: configuration))
    }

    /// Builds a channel with a pocketsphinx session wired to it (results flow into
    /// ``receive(_:)``). The decoder builds in the background; until it is ready the session
    /// queues audio.
    public static func make(configuration: AgentVoiceConfiguration = AgentVoiceConfiguration(),
                            recognizer: SpeechRecognizer, mode: RecognitionMode) throws(SpeechError) -> AgentVoiceChannel {
        let channel = try AgentVoiceChannel(configuration: configuration)
        let session = try recognizer.makeSession(mode: mode, inputSampleRate: sampleRate) { [weak channel] event in
            channel?.receive(event)
        }
        channel.attach(session)
        return channel
    }

    /// Uses `recognizer` for the caller's utterances from now on (its results must be routed to
    /// ``receive(_:)``).
    public func attach(_ recognizer: any UtteranceRecognizer) {
        state.withLock { $0.recognizer = recognizer }
    }

    /// The recognizer in use.
    public var recognizer: (any UtteranceRecognizer)? { state.withLock { $0.recognizer } }

    // MARK: Media thread

    /// Takes the next 20 ms (``frameSamples``) the agent hears, advancing the clock one tick.
    /// Frames of another length are ignored and counted. True when the frame's speech onset
    /// stopped the agent (a barge-in): what it said this tick should not go out any more.
    @discardableResult
    public func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        let frame = BorrowedFrame(input: frame)
        return state.withLock { $0.hear(frame.input) }
    }

    /// Fills the agent's next 20 ms; false when the agent is silent (the frame is zeroed).
    public func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        let frame = BorrowedFrame(output: frame)
        return state.withLock { $0.speak(into: frame.output) }
    }

    // MARK: Host and engine threads

    /// Queues an utterance to speak after those already queued; its audio arrives with
    /// ``appendAudio(_:marks:to:)`` and ends with ``finishAudio(of:)``.
    public func enqueue(_ id: UtteranceID, text: String) {
        state.withLock { $0.enqueue(id, text: text) }
    }

    /// Adds 16 kHz audio (and its word marks, offsets counted from the utterance's first
    /// sample) to a queued utterance. Audio for an utterance no longer queued is dropped.
    public func appendAudio(_ samples: [Int16], marks: [WordMark] = [], to id: UtteranceID) {
        state.withLock { $0.appendAudio(samples, marks: marks, to: id) }
    }

    /// Marks an utterance's audio complete; it finishes when the last sample has played.
    public func finishAudio(of id: UtteranceID) {
        state.withLock { $0.finishAudio(of: id) }
    }

    /// Ties a synthesis job to an utterance so barge-in and ``stopSpeaking()`` cancel it.
    public func attach(_ job: SynthesisJob, to id: UtteranceID) {
        let attached = state.withLock { $0.attach(job, to: id) }
        if !attached { job.cancel() }
    }

    /// Stops the agent now (next frame silent), drops and cancels everything queued.
    public func stopSpeaking() {
        state.withLock { $0.stopSpeaking() }
    }

    /// Whether the agent has anything queued or playing.
    public var isSpeaking: Bool { state.withLock { $0.isSpeaking } }

    /// Hands the channel a recognizer event (from any thread); it is applied on the next tick.
    public func receive(_ event: RecognitionEvent) {
        state.withLock { $0.receive(event) }
    }

    /// Takes every event since the last call, oldest first.
    public func drainEvents() -> [AgentVoiceEvent] {
        state.withLock { $0.drainEvents() }
    }

    /// The channel's clock: audio heard so far.
    public var now: Duration { state.withLock { $0.now } }

    /// A snapshot of the counters.
    public var statistics: AgentVoiceStatistics { state.withLock { $0.statistics } }
}

/// A frame pointer lent to the locked state for the length of one call. The state reads or
/// writes it during the call and never keeps it, so moving it into the lock is safe.
private struct BorrowedFrame: @unchecked Sendable {
    var input = UnsafeBufferPointer<Int16>(start: nil, count: 0)
    var output = UnsafeMutableBufferPointer<Int16>(start: nil, count: 0)

    init(input: UnsafeBufferPointer<Int16>) {
        self.input = input
    }

    init(output: UnsafeMutableBufferPointer<Int16>) {
        self.output = output
    }
}
