import Agent
import Foundation
import Logging
import Media
import Speech
import Synchronization
import Workflow

/// The AI participant of one call: a room member whose "transport" is the agent's voice channel.
///
/// The room's media thread hands it 20 ms of what the caller says (``hear(_:)``, 16 kHz) and takes
/// 20 ms of the agent's voice (``speak(into:)``); VAD, endpointing, barge-in and the recognizer run
/// inside ``AgentVoiceChannel``. A pump task drains the channel's events every tick: final
/// transcripts go to the conversation (``AgentSession``), utterance ends and barge-ins settle the
/// ``AgentCallActions/speak(_:utteranceID:)`` calls the session is waiting on, and a false
/// interruption (no words within the definition's window) re-says the rest of the sentence.
final class AgentParticipant: RoomEndpoint, @unchecked Sendable {
    let sampleRate = AgentVoiceChannel.sampleRate
    let channel: AgentVoiceChannel
    let definition: AgentDefinition
    let conversation: WorkflowID
    private let synthesizer: SpeechSynthesizer
    private let synthesis: SynthesisOptions
    private let logger: Logger

    /// One sentence the session is waiting on.
    private struct Pending {
        var text: String
        var continuation: CheckedContinuation<SpeechOutcome, Never>
        /// Set by a barge-in: what the caller heard; settled when words (or a false alarm) follow.
        var bargedIn: String?
    }

    private struct State {
        var pending: [UInt64: Pending] = [:]
        var nextUtterance: UInt64 = 1
        var stopped = false
        var session: AgentSession?
        /// Deliveries to the conversation, chained so they arrive in order.
        var deliveries: Task<Void, Never>?
        /// Bumped by every turn the caller ends and every line the agent starts: a holding line
        /// is said only if nothing happened since the turn it waits on.
        var turn: UInt64 = 0
        /// In a conference the agent may rightly stay silent: no holding line there.
        var inConference = false
    }

    private let state = Mutex(State())
    private let pump = Mutex<Task<Void, Never>?>(nil)
    /// Counters for the log line at the end of the call.
    let utterancesHeard = Atomic<Int>(0)
    let bargeIns = Atomic<Int>(0)
    let holdingLines = Atomic<Int>(0)
    /// Said when a reply takes longer than ``holdingDelay`` (nil: never).
    private let holdingText: String?
    private let holdingDelay: Duration
    /// Who is told what the participant hears and says (the control plane), and when the
    /// caller's last utterance ended (for the turn latency).
    private let observer = Mutex<(@Sendable (SwitchEvent.AgentActivity) -> Void)?>(nil)
    private let lastFinal = Mutex<ContinuousClock.Instant?>(nil)
    private let speechLatency = Mutex(SpeechLatencyClock())

    /// `callerRate` is the caller's codec rate: below 16 kHz the recognizer runs on narrowband
    /// audio (see ``NarrowbandRecognizer``).
    init(definition: AgentDefinition, conversation: WorkflowID, recognizer: SpeechRecognizer,
         synthesizer: SpeechSynthesizer, remoteSpeech: SpeechProviderFactory? = nil,
         callerRate: Int, caller: String, callee: String, logger: Logger) throws(SpeechError) {
        self.definition = definition
        holdingText = definition.prompts.holding?.render(definition.templateValues(caller: caller, callee: callee))
        holdingDelay = definition.timeouts.holding
        self.conversation = conversation
        self.synthesizer = synthesizer
        self.logger = logger
        synthesis = Self.synthesisOptions(for: definition)
        let voice = Self.voiceConfiguration(for: definition)
        let channel = try AgentVoiceChannel(configuration: voice)
        // OpenAI-compatible speech when the definition asks for it (and the switch has a client);
        // otherwise, or when it cannot be built (a missing API key), the offline engines.
        var remoteListener: OpenAITranscriber?
        var remoteVoice: OpenAISpeechSynthesizer?
        if let remoteSpeech {
            do {
                remoteListener = try remoteSpeech.transcriber(for: definition, inputSampleRate: AgentVoiceChannel.sampleRate) {
                    [weak channel] event in channel?.receive(event)
                }
                remoteVoice = try remoteSpeech.synthesizer(for: definition)
            } catch {
                logger.warning("remote speech unavailable; using the offline engines", metadata: ["error": "\(error)"])
            }
        }
        if let remoteListener {
            channel.attach(remoteListener)
            recognizerClose = { remoteListener.close() }
        } else {
            let narrowband = callerRate < AgentVoiceChannel.sampleRate
            let session = try recognizer.makeSession(mode: Self.recognitionMode(for: definition),
                                                     inputSampleRate: narrowband ? 8000 : AgentVoiceChannel.sampleRate) { [weak channel] event in
                channel?.receive(event)
            }
            channel.attach(narrowband ? try NarrowbandRecognizer(session) : session)
            recognizerClose = { session.close() }
        }
        self.remoteVoice = remoteVoice
        self.channel = channel
    }

    /// Closes the recognizer behind the channel (pocketsphinx session or remote transcriber).
    private let recognizerClose: @Sendable () -> Void
    /// The OpenAI-compatible voice, when the definition chose one.
    private let remoteVoice: OpenAISpeechSynthesizer?
    /// Remote synthesis jobs by utterance, cancelled when the channel drops their utterance.
    private let remoteJobs = Mutex<[UInt64: OpenAISpeechJob]>([:])

    // MARK: RoomEndpoint (media thread)

    func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        channel.hear(frame)
    }

    func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        channel.speak(into: frame)
    }

    // MARK: Life cycle

    /// The conversation that receives what the caller says (finals before it are dropped).
    func attach(_ session: AgentSession) {
        state.withLock { $0.session = session }
    }

    /// Starts draining the channel's events every tick.
    func startPump() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                guard let self else { return }
                self.drain()
            }
        }
        pump.withLock { $0 = task }
    }

    /// The call is over (or the caller went elsewhere): silence, free the recognizer, and settle
    /// every sentence still waited on so the session never hangs.
    func stop() {
        let waiting = state.withLock { state -> [Pending] in
            state.stopped = true
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        channel.stopSpeaking()
        pump.withLock { task in
            task?.cancel()
            task = nil
        }
        recognizerClose()
        let jobs = remoteJobs.withLock { jobs -> [OpenAISpeechJob] in
            defer { jobs.removeAll() }
            return Array(jobs.values)
        }
        for job in jobs { job.cancel() }
        for item in waiting { item.continuation.resume(returning: .finished) }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    // MARK: Speaking (AgentCallActions.speak)

    /// Says one sentence; returns when its last sample went out, or with what the caller heard
    /// when they interrupted it with words.
    func say(_ text: String) async -> SpeechOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<SpeechOutcome, Never>) in
            let id = state.withLock { state -> UInt64? in
                guard !state.stopped else { return nil }
                state.turn += 1
                let idle = state.pending.isEmpty
                let id = state.nextUtterance
                speechLatency.withLock { $0.requested(id, at: .now, idle: idle) }
                state.nextUtterance += 1
                state.pending[id] = Pending(text: text, continuation: continuation)
                return id
            }
            guard let id else { return continuation.resume(returning: .finished) }
            startSynthesis(text, id: id)
        }
    }

    private func startSynthesis(_ text: String, id: UInt64) {
        if let remoteVoice {
            do {
                let job = try channel.say(text, id: UtteranceID(id), synthesizer: remoteVoice)
                remoteJobs.withLock { $0[id] = job }
            } catch {
                logger.error("remote speech synthesis failed", metadata: ["error": "\(error)", "text": "\(text)"])
                settle(id, .finished)
            }
            return
        }
        do {
            try channel.say(text, id: UtteranceID(id), synthesizer: synthesizer, options: synthesis)
        } catch {
            logger.error("speech synthesis failed", metadata: ["error": "\(error)", "text": "\(text)"])
            settle(id, .finished)
        }
    }

    /// Stops the agent's voice at once (hold, transfer, a key press).
    func interrupt() {
        channel.stopSpeaking()
    }

    private func settle(_ id: UInt64, _ outcome: SpeechOutcome) {
        if let job = remoteJobs.withLock({ $0.removeValue(forKey: id) }), outcome != .finished { job.cancel() }
        let item = state.withLock { $0.pending.removeValue(forKey: id) }
        item?.continuation.resume(returning: outcome)
    }

    // MARK: The pump

    private func drain() {
        for event in channel.drainEvents() {
            report(event)
            switch event {
            case .utteranceFinished(let id):
                settle(id.rawValue, .finished)
            case .utteranceStopped(let id, let heard):
                settle(id.rawValue, .interrupted(heard: heard))
            case .bargeIn(let id, let heard):
                bargeIns.add(1, ordering: .relaxed)
                remoteJobs.withLock { $0.removeValue(forKey: id.rawValue) }?.cancel()
                logger.info("caller barged in", metadata: ["heard": "\(heard)"])
                state.withLock { $0.pending[id.rawValue]?.bargedIn = heard }
            case .falseInterruption(let id, let remaining):
                resumeAfterFalseInterruption(id.rawValue, remaining: remaining)
            case .final(let result):
                heardUtterance(result)
            case .speechStarted(let at):
                logger.debug("caller speech started", metadata: ["at-ms": "\(at.milliseconds)"])
            case .partial(let text):
                logger.trace("partial transcript", metadata: ["text": "\(text)"])
            case .recognizerFailed(let error):
                logger.error("speech recognizer failed", metadata: ["error": "\(error)"])
            case .toneMasked, .speechEnded, .utteranceStarted:
                break
            }
        }
    }

    /// Reports what the participant hears and says from now on.
    func observe(_ handler: @escaping @Sendable (SwitchEvent.AgentActivity) -> Void) {
        observer.withLock { $0 = handler }
    }

    /// Passes a tool call of the conversation on to the observer.
    func report(_ toolCall: ToolCallReport) {
        guard let tell = observer.withLock({ $0 }) else { return }
        switch toolCall.phase {
        case .started(let arguments):
            tell(.toolCallStarted(name: toolCall.name, id: toolCall.id, arguments: arguments))
        case .finished(let ok, let detail):
            tell(.toolCallFinished(name: toolCall.name, id: toolCall.id, ok: ok, detail: detail))
        }
    }

    /// Passes a committed step of the conversation on to the observer.
    func report(_ notice: ConversationNotice) {
        observer.withLock({ $0 })?(.workflow(kind: notice.kind, detail: notice.detail, firesAt: notice.firesAt))
    }

    private func report(_ event: AgentVoiceEvent) {
        guard let tell = observer.withLock({ $0 }) else { return }
        if let latency = speechLatency.withLock({ $0.observe(event, at: .now) }) { tell(latency) }
        switch event {
        case .partial(let text):
            tell(.transcript(text: text, isFinal: false))
        case .final(let result) where !result.isRejected && !result.text.isEmpty:
            lastFinal.withLock { $0 = .now }
            tell(.transcript(text: result.text, isFinal: true))
        case .bargeIn(_, let heard):
            tell(.interrupted(heard: heard))
        case .utteranceStarted(let id):
            if let heardAt = lastFinal.withLock({ last in defer { last = nil }; return last }) {
                let elapsed = ContinuousClock.now - heardAt
                tell(.turnLatency(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            }
            if let text = state.withLock({ $0.pending[id.rawValue]?.text }) { tell(.speaking(text: text)) }
        default:
            break
        }
    }

    /// A cough or a door: the sentence goes on from where it stopped (under a new channel id).
    private func resumeAfterFalseInterruption(_ id: UInt64, remaining: String) {
        let next = state.withLock { state -> UInt64? in
            guard var item = state.pending.removeValue(forKey: id) else { return nil }
            let next = state.nextUtterance
            state.nextUtterance += 1
            item.bargedIn = nil
            item.text = remaining
            state.pending[next] = item
            return next
        }
        guard let next else { return }
        logger.info("false interruption; resuming", metadata: ["remaining": "\(remaining)"])
        if remaining.trimmingCharacters(in: .whitespaces).isEmpty {
            settle(next, .finished)
        } else {
            startSynthesis(remaining, id: next)
        }
    }

    /// A final transcript. If it ends a barge-in, the interrupted sentence is settled first and the
    /// words go to the conversation only once the session has reported the interruption, so the
    /// truncated assistant turn precedes the caller's words in the history.
    private func heardUtterance(_ result: RecognitionResult) {
        let text = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = !result.isRejected && !text.isEmpty
        let (interrupted, session) = state.withLock { state -> ((UInt64, Pending)?, AgentSession?) in
            let barged = words ? state.pending.first(where: { $0.value.bargedIn != nil }) : nil
            if let barged { state.pending.removeValue(forKey: barged.key) }
            return (barged.map { ($0.key, $0.value) }, state.session)
        }
        if let (_, item) = interrupted { item.continuation.resume(returning: .interrupted(heard: item.bargedIn ?? "")) }
        guard words, let session else {
            if !text.isEmpty { logger.info("utterance rejected", metadata: ["text": "\(text)"]) }
            return
        }
        utterancesHeard.add(1, ordering: .relaxed)
        logger.info("caller said", metadata: ["text": "\(text)", "confidence": "\(result.confidence.map { String(format: "%.2f", $0) } ?? "-")"])
        deliver(to: session, afterInterruption: interrupted != nil) { session in try await session.heard(text) }
        armHoldingLine()
    }

    /// The caller ended a turn: if the agent has not started answering within the definition's
    /// `timeouts.holding`, it says its holding line ("One moment, please.") so the caller never
    /// sits in dead air while a slow model thinks. The line is the speech side's own: it is not
    /// part of the conversation's history.
    private func armHoldingLine() {
        guard let text = holdingText, !text.isEmpty else { return }
        let turn = state.withLock { state -> UInt64? in
            guard !state.inConference else { return nil }
            state.turn += 1
            return state.turn
        }
        guard let turn else { return }
        let delay = holdingDelay
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard let self else { return }
            let due = self.state.withLock { state -> UInt64? in
                guard !state.stopped, state.turn == turn, state.pending.isEmpty else { return nil }
                let id = state.nextUtterance
                state.nextUtterance += 1
                return id
            }
            guard let due, !self.channel.isSpeaking else { return }
            self.holdingLines.add(1, ordering: .relaxed)
            self.logger.info("reply is slow; holding line", metadata: ["after-ms": "\(delay.milliseconds)"])
            self.startSynthesis(text, id: due)
        }
    }

    /// The agent now sits in a conference (or left it).
    func setInConference(_ inConference: Bool) {
        state.withLock { $0.inConference = inConference }
    }

    /// A key the caller pressed: it cuts the agent's sentence (as on any IVR), and reaches the
    /// conversation after the cut sentence was reported, so the history stays in order.
    func pressed(_ key: String) {
        let speaking = channel.isSpeaking || state.withLock { !$0.pending.isEmpty }
        if speaking { channel.stopSpeaking() }
        guard let session = state.withLock({ $0.session }) else { return }
        deliver(to: session, afterInterruption: speaking) { session in try await session.pressed(key) }
        if definition.digitsEndTurn { armHoldingLine() }
    }

    /// Sends to the conversation in arrival order; after an interruption, only once the session
    /// has carried out what it was doing (and signalled the barge-in).
    private func deliver(to session: AgentSession, afterInterruption: Bool,
                         _ send: @escaping @Sendable (AgentSession) async throws -> Void) {
        state.withLock { state in
            let previous = state.deliveries
            state.deliveries = Task { [logger] in
                await previous?.value
                if afterInterruption { await session.drained() }
                do {
                    try await send(session)
                } catch {
                    logger.debug("not delivered to the conversation", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    // MARK: Configuration from the definition

    static func voiceConfiguration(for definition: AgentDefinition) -> AgentVoiceConfiguration {
        var endpointer = SpeechEndpointer.Configuration()
        endpointer.minimumSpeech = definition.bargeIn.minSpeech
        return AgentVoiceConfiguration(endpointer: endpointer, bargeInEnabled: definition.bargeIn.enabled,
                                       falseInterruptionTimeout: definition.bargeIn.falseInterruption)
    }

    static func synthesisOptions(for definition: AgentDefinition) -> SynthesisOptions {
        var options = SynthesisOptions(sampleRate: AgentVoiceChannel.sampleRate)
        if case .espeak(let voice, let wpm) = definition.providers.textToSpeech {
            options.voice = voice
            options.wordsPerMinute = wpm
        } else if let voice = definition.voice {
            options.voice = voice
        }
        return options
    }

    /// Grammar mode listens for the definition's grammar file, or for its intents' phrases.
    static func recognitionMode(for definition: AgentDefinition) -> RecognitionMode {
        guard case .pocketsphinx(.grammar, let file) = definition.providers.speechToText else { return .languageModel }
        if let file { return .grammar(jsgf: file.text) }
        return .grammar(jsgf: PhraseGrammar.jsgf(definition.recognitionPhrases + (0...9).map { PhraseGrammar.digitWords[$0] }))
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
