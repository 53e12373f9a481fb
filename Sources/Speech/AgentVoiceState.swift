/// The agent voice channel's state and per-tick logic. Everything here runs under the channel's
/// lock; nothing blocks, reads a clock or allocates more than a frame.
struct AgentVoiceState {
    static let sampleRate = 16000
    static let frameSamples = 320
    static let frameDuration = Duration.milliseconds(20)

    /// A barge-in waiting to be confirmed by words.
    struct PendingInterruption {
        var utterance: UtteranceID
        var remaining: String
        var deadline: Duration
    }

    let configuration: AgentVoiceConfiguration
    private let vad: VoiceActivityDetector
    private var toneMask: ToneMask
    private var lastTone: ToneDetection?
    private var endpointer: SpeechEndpointer
    private var echoGuard: EchoGuard
    private var preRoll: [[Int16]] = []
    private let preRollFrames: Int
    var recognizer: (any UtteranceRecognizer)?
    private var recognitionInbox: [RecognitionEvent] = []
    private(set) var playback: PlaybackQueue
    private var pendingInterruption: PendingInterruption?
    private(set) var events: [AgentVoiceEvent] = []
    private(set) var statistics = AgentVoiceStatistics()

    init(configuration: AgentVoiceConfiguration) throws(SpeechError) {
        self.configuration = configuration
        vad = try VoiceActivityDetector(sampleRate: Self.sampleRate, aggressiveness: configuration.vadAggressiveness)
        toneMask = ToneMask(sampleRate: Self.sampleRate, configuration: configuration.toneMask)
        endpointer = SpeechEndpointer(configuration: configuration.endpointer)
        echoGuard = EchoGuard(ratio: configuration.echoSuppressionRatio,
                              windowFrames: Self.frames(in: configuration.echoWindow))
        preRollFrames = max(1, Self.frames(in: configuration.preRoll))
        let bufferSeconds = configuration.maximumBufferedAudio / .seconds(1)
        playback = PlaybackQueue(maximumBufferedSamples: Int(bufferSeconds * Double(Self.sampleRate)))
    }

    static func frames(in duration: Duration) -> Int {
        Int((duration / frameDuration).rounded(.up))
    }

    /// The channel's clock: the start of the next frame to be heard.
    var now: Duration { Self.frameDuration * statistics.framesHeard }

    // MARK: Hearing

    /// True when this frame's speech onset stopped the agent (a barge-in).
    @discardableResult
    mutating func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        guard frame.count == Self.frameSamples else {
            statistics.invalidFrames += 1
            return false
        }
        var bargedIn = false
        let start = now
        statistics.framesHeard += 1
        applyRecognitionInbox()

        let tone = toneMask.analyze(frame)
        if let tone, tone != lastTone { emit(.toneMasked(tone)) }
        lastTone = tone
        let voiced = tone == nil && ((try? vad.isSpeech(frame)) ?? false)
        let isSpeech = voiced && !echoGuard.isPossibleEcho(level: EchoGuard.level(of: frame))

        let current = Array(frame)
        if preRoll.count >= preRollFrames { preRoll.removeFirst() }
        preRoll.append(current)

        switch endpointer.process(isSpeech: isSpeech, at: start, frameDuration: Self.frameDuration) {
        case .speechStarted(let at)?:
            emit(.speechStarted(at: at))
            if configuration.bargeInEnabled, !playback.isEmpty {
                bargeIn(at: start + Self.frameDuration)
                bargedIn = true
            }
            recognizer?.beginUtterance()
            for buffered in preRoll { feedRecognizer(buffered) }
        case .speechEnded(let at, _)?:
            feedRecognizer(current)
            recognizer?.endUtterance()
            emit(.speechEnded(at: at))
        case nil:
            if endpointer.isInUtterance { feedRecognizer(current) }
        }
        checkInterruptionDeadline()
        return bargedIn
    }

    private mutating func feedRecognizer(_ frame: [Int16]) {
        guard let recognizer else { return }
        let accepted = frame.withUnsafeBufferPointer { recognizer.accept($0) }
        if !accepted { statistics.framesDroppedByRecognizer += 1 }
    }

    /// Stops the agent (the next ``speak(into:)`` is silent) and drops its queue.
    private mutating func bargeIn(at time: Duration) {
        guard let head = playback.first else { return }
        let progress = head.progress
        let dropped = playback.removeAll()
        let remaining = ([String(progress.remaining)] + dropped.dropFirst().map(\.text))
            .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
        statistics.bargeIns += 1
        emit(.bargeIn(head.id, heard: String(progress.heard)))
        pendingInterruption = PendingInterruption(utterance: head.id, remaining: remaining,
                                                  deadline: time + configuration.falseInterruptionTimeout)
    }

    private mutating func checkInterruptionDeadline() {
        guard let pending = pendingInterruption, now >= pending.deadline else { return }
        declareFalseInterruption(pending)
    }

    private mutating func declareFalseInterruption(_ pending: PendingInterruption) {
        pendingInterruption = nil
        statistics.falseInterruptions += 1
        emit(.falseInterruption(pending.utterance, remaining: pending.remaining))
    }

    // MARK: Recognition results

    mutating func receive(_ event: RecognitionEvent) {
        // Bounded: a recognizer that floods us while the media thread is stalled loses partials.
        if recognitionInbox.count >= configuration.maximumPendingEvents {
            statistics.eventsDropped += 1
            return
        }
        recognitionInbox.append(event)
    }

    private mutating func applyRecognitionInbox() {
        guard !recognitionInbox.isEmpty else { return }
        let inbox = recognitionInbox
        recognitionInbox.removeAll(keepingCapacity: true)
        for event in inbox {
            switch event {
            case .ready:
                break
            case .partial(_, let text):
                if !text.isEmpty { pendingInterruption = nil }
                emit(.partial(text))
            case .final(let result):
                if let pending = pendingInterruption {
                    if result.text.isEmpty || result.isRejected {
                        declareFalseInterruption(pending)
                    } else {
                        pendingInterruption = nil
                    }
                }
                emit(.final(result))
            case .failed(let error):
                emit(.recognizerFailed(error))
            }
        }
    }

    // MARK: Speaking

    mutating func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard frame.count == Self.frameSamples else {
            statistics.invalidFrames += 1
            for index in frame.indices { frame[index] = 0 }
            return false
        }
        let report = playback.fill(frame)
        for change in report.changes {
            switch change {
            case .started(let id): emit(.utteranceStarted(id))
            case .finished(let id): emit(.utteranceFinished(id))
            }
        }
        let level = report.written > 0 ? EchoGuard.level(of: UnsafeBufferPointer(frame)) : 0
        echoGuard.recordOutput(level: level)
        return report.written > 0
    }

    mutating func enqueue(_ id: UtteranceID, text: String) {
        playback.enqueue(id, text: text)
    }

    mutating func attach(_ job: SynthesisJob, to id: UtteranceID) -> Bool {
        playback.attach(job, to: id)
    }

    mutating func appendAudio(_ samples: [Int16], marks: [WordMark], to id: UtteranceID) {
        statistics.samplesDropped += playback.append(samples, marks: marks, to: id)
    }

    mutating func finishAudio(of id: UtteranceID) {
        playback.finishSynthesis(of: id)
    }

    mutating func stopSpeaking() {
        let head = playback.first
        let wasPlaying = (head?.played ?? 0) > 0
        _ = playback.removeAll()
        if let head, wasPlaying { emit(.utteranceStopped(head.id, heard: String(head.progress.heard))) }
    }

    var isSpeaking: Bool { !playback.isEmpty }

    // MARK: Events

    private mutating func emit(_ event: AgentVoiceEvent) {
        guard events.count < configuration.maximumPendingEvents else {
            statistics.eventsDropped += 1
            return
        }
        events.append(event)
    }

    mutating func drainEvents() -> [AgentVoiceEvent] {
        let drained = events
        events.removeAll(keepingCapacity: true)
        return drained
    }
}
