import Dispatch
import Speech
import Synchronization

/// One request to an ``OpenAISpeechSynthesizer``: a handle to cancel it or wait for it, shaped
/// like the ``Speech`` module's ``SynthesisJob`` (same events, same completion).
///
/// Events go to the handler given to ``OpenAISpeechSynthesizer/synthesize(_:voice:sampleRate:onEvent:)``
/// on the job's own task, in order: audio chunks, then exactly one `finished`.
public final class OpenAISpeechJob: Sendable {
    /// Unique within the synthesizer, increasing in submission order.
    public let id: UInt64
    /// The text being spoken; the word marks' character ranges index into it.
    public let text: String
    /// The output rate of every chunk.
    public let sampleRate: Int

    private struct State: Sendable {
        var completion: SynthesisCompletion?
        var error: SpeechProviderError?
        var task: Task<Void, Never>?
        var waiters: [CheckedContinuation<SynthesisCompletion, Never>] = []
        var timeToFirstAudio: Duration?
        var attempts = 0
    }

    private let cancelled = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let done = DispatchGroup()

    init(id: UInt64, text: String, sampleRate: Int) {
        self.id = id
        self.text = text
        self.sampleRate = sampleRate
        done.enter()
    }

    /// Stops the job: no audio is delivered after the chunk in progress, the HTTP stream is
    /// closed, and `finished(.cancelled)` follows. Safe from any thread, idempotent.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        let task = state.withLock { $0.task }
        task?.cancel()
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// How the job ended, or nil while it runs.
    public var completion: SynthesisCompletion? { state.withLock { $0.completion } }

    /// Why the job failed, with the provider's detail (``completion`` carries it as a
    /// ``SpeechError``).
    public var error: SpeechProviderError? { state.withLock { $0.error } }

    /// From submission to the first audio chunk, once there was one.
    public var timeToFirstAudio: Duration? { state.withLock { $0.timeToFirstAudio } }

    /// HTTP attempts made (2 after a retry).
    public var attempts: Int { state.withLock { $0.attempts } }

    /// Waits for the end without blocking a thread.
    public func result() async -> SynthesisCompletion {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> SynthesisCompletion? in
                if let completion = state.completion { return completion }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Blocks until the job ends or `timeout` passes (then nil). For threads that may block;
    /// never call it on a media thread or from Swift concurrency's cooperative pool.
    public func wait(timeout: Duration) -> SynthesisCompletion? {
        let nanoseconds = max(0, timeout.components.seconds) * 1_000_000_000
            + max(0, timeout.components.attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success else { return nil }
        return completion
    }

    // MARK: Driven by the synthesizer

    func start(_ task: Task<Void, Never>) {
        state.withLock { $0.task = task }
        if isCancelled { task.cancel() }
    }

    func recordFirstAudio(_ elapsed: Duration) {
        state.withLock { state in
            if state.timeToFirstAudio == nil { state.timeToFirstAudio = elapsed }
        }
    }

    func recordAttempt(_ attempt: Int) {
        state.withLock { $0.attempts = attempt }
    }

    /// Records the end (once) and wakes every waiter.
    func finish(_ completion: SynthesisCompletion, error: SpeechProviderError?) {
        let waiters = state.withLock { state -> [CheckedContinuation<SynthesisCompletion, Never>]? in
            guard state.completion == nil else { return nil }
            state.completion = completion
            state.error = error
            state.task = nil
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        guard let waiters else { return }
        for waiter in waiters { waiter.resume(returning: completion) }
        done.leave()
    }
}
