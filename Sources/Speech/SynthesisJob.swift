import Dispatch
import Synchronization

/// One request to the process-wide synthesizer: a handle to cancel it or wait for it.
///
/// Events go to the handler given to ``SpeechSynthesizer/synthesize(_:options:onEvent:)`` on the
/// synthesizer's worker thread; the handler must return quickly (copy the samples and leave),
/// because every other job waits behind it.
public final class SynthesisJob: Sendable {
    /// Unique within the process, increasing in submission order.
    public let id: UInt64
    /// The text being spoken; ``WordMark/characterRange`` indexes into it.
    public let text: String
    /// The output rate of every chunk.
    public let sampleRate: Int

    private let cancelled = Atomic<Bool>(false)
    private let outcome = Mutex<SynthesisCompletion?>(nil)
    private let done = DispatchGroup()

    init(id: UInt64, text: String, sampleRate: Int) {
        self.id = id
        self.text = text
        self.sampleRate = sampleRate
        done.enter()
    }

    /// Stops the job: no audio is delivered after the chunk in progress, and the worker moves on
    /// to the next job. A job not yet started never starts. Safe from any thread, idempotent.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// How the job ended, or nil while it runs.
    public var completion: SynthesisCompletion? { outcome.withLock { $0 } }

    /// Blocks until the job ends or `timeout` passes (then nil). For tests, benchmarks and
    /// threads that may block; never call it on a media thread.
    public func wait(timeout: Duration) -> SynthesisCompletion? {
        let nanoseconds = max(0, timeout.components.seconds) * 1_000_000_000
            + max(0, timeout.components.attoseconds / 1_000_000_000)
        guard done.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success else {
            return nil
        }
        return completion
    }

    /// Records the end; called once by the worker after the handler saw `.finished`.
    func finish(_ completion: SynthesisCompletion) {
        let first = outcome.withLock { current -> Bool in
            guard current == nil else { return false }
            current = completion
            return true
        }
        if first { done.leave() }
    }
}
