import Dispatch
import Foundation
import Synchronization

/// One caller's pocketsphinx decoder, on its own worker thread.
///
/// The media thread calls ``accept(_:)`` with 20 ms frames; that only copies the frame into a
/// bounded queue (``RecognizerTuning/queueCapacity`` frames) and wakes the worker, so it never
/// waits for the decoder. When the decoder falls behind and the queue is full, new frames are
/// dropped and counted (``RecognizerStatistics/framesDropped``). The decoder itself is built on
/// the worker (about 0.1 s for a grammar, 0.3–0.8 s for the language model); audio that arrives
/// meanwhile waits in the queue. 8 kHz input is upsampled to the model's 16 kHz on the worker.
///
/// Events (``RecognitionEvent``) are delivered on the worker thread, in order: `ready` (or
/// `failed`), then per utterance any `partial`s and one `final`.
public final class RecognizerSession: UtteranceRecognizer {
    /// What this session listens for.
    public let mode: RecognitionMode
    /// 8000 or 16000.
    public let inputSampleRate: Int
    private let core: SessionCore

    init(model: SpeechModel, mode: RecognitionMode, inputSampleRate: Int, tuning: RecognizerTuning,
         onEvent: @escaping @Sendable (RecognitionEvent) -> Void) {
        self.mode = mode
        self.inputSampleRate = inputSampleRate
        let core = SessionCore(capacity: tuning.queueCapacity)
        self.core = core
        let thread = Thread {
            RecognizerSessionWorker(core: core, model: model, mode: mode, inputSampleRate: inputSampleRate,
                                    tuning: tuning, onEvent: onEvent).run()
        }
        thread.name = "parley-stt"
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit {
        core.submit(.close, isAudio: false)
    }

    public func beginUtterance() {
        core.submit(.begin, isAudio: false)
    }

    /// Frames of 1–100 ms at ``inputSampleRate``; audio outside an utterance starts one.
    @discardableResult
    public func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        guard !frame.isEmpty, frame.count <= inputSampleRate / 10 else { return false }
        return core.submit(.audio(Array(frame)), isAudio: true)
    }

    public func endUtterance() {
        core.submit(.end, isAudio: false)
    }

    /// Stops the worker and frees the decoder (also done when the session is released).
    public func close() {
        core.submit(.close, isAudio: false)
    }

    /// A snapshot of the counters.
    public var statistics: RecognizerStatistics { core.statistics.withLock { $0 } }
}

/// The queue between the media thread and the worker, and the counters both update.
final class SessionCore: Sendable {
    enum Command {
        case begin
        case audio([Int16])
        case end
        case close
    }

    private struct Queue {
        var commands: [Command] = []
        var audioQueued = 0
        var closed = false
        var failed = false
    }

    private let capacity: Int
    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)
    let statistics = Mutex(RecognizerStatistics())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Control commands beyond this many are dropped (only a runaway caller gets there).
    private var controlLimit: Int { capacity + 256 }

    @discardableResult
    func submit(_ command: Command, isAudio: Bool) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.closed else { return false }
            if isAudio {
                guard !queue.failed, queue.audioQueued < capacity else { return false }
                queue.audioQueued += 1
            } else if queue.commands.count >= controlLimit {
                return false
            }
            if case .close = command { queue.closed = true }
            queue.commands.append(command)
            return true
        }
        if isAudio {
            statistics.withLock { accepted ? ($0.framesAccepted += 1) : ($0.framesDropped += 1) }
        }
        if accepted { wakeup.signal() }
        return accepted
    }

    /// Blocks the worker until commands arrive, then takes them all.
    func take() -> [Command] {
        wakeup.wait()
        return queue.withLock { queue in
            let commands = queue.commands
            queue.commands.removeAll(keepingCapacity: true)
            queue.audioQueued = 0
            return commands
        }
    }

    func markFailed() {
        queue.withLock { $0.failed = true }
    }
}
