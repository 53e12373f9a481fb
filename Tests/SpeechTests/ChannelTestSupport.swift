import Speech
import Synchronization
import XCTest

/// An UtteranceRecognizer that only records what the channel asked of it. Tests deliver the
/// "recognized" results themselves with `AgentVoiceChannel.receive`.
final class RecordingRecognizer: UtteranceRecognizer {
    enum Call: Equatable {
        case begin
        case frame
        case end
    }

    private let log = Mutex<[Call]>([])
    private let frames = Mutex<[[Int16]]>([])

    func beginUtterance() { log.withLock { $0.append(.begin) } }

    func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        log.withLock { $0.append(.frame) }
        frames.withLock { $0.append(Array(frame)) }
        return true
    }

    func endUtterance() { log.withLock { $0.append(.end) } }

    var calls: [Call] { log.withLock { $0 } }
    var acceptedFrames: [[Int16]] { frames.withLock { $0 } }
}

/// Drives a channel tick by tick the way a media thread does: hear, then speak.
final class ChannelDriver {
    let channel: AgentVoiceChannel
    private(set) var tick = 0
    /// Events with the tick (0-based) during which they were drained.
    private(set) var events: [(tick: Int, event: AgentVoiceEvent)] = []
    /// Whether speak produced audio, per tick.
    private(set) var spoke: [Bool] = []
    /// Everything speak wrote, per tick.
    private(set) var output: [[Int16]] = []
    /// Ticks whose heard frame stopped the agent (`hear` returned true).
    private(set) var silencedTicks: [Int] = []

    init(_ channel: AgentVoiceChannel) {
        self.channel = channel
    }

    /// One tick: the channel hears `frame` (silence when nil), then fills its next frame.
    @discardableResult
    func step(hearing frame: [Int16]? = nil) -> Bool {
        let heard = frame ?? [Int16](repeating: 0, count: AgentVoiceChannel.frameSamples)
        let silenced = heard.withUnsafeBufferPointer { channel.hear($0) }
        if silenced { silencedTicks.append(tick) }
        var out = [Int16](repeating: 1, count: AgentVoiceChannel.frameSamples)
        let speaking = out.withUnsafeMutableBufferPointer { channel.speak(into: $0) }
        spoke.append(speaking)
        output.append(out)
        for event in channel.drainEvents() { events.append((tick, event)) }
        tick += 1
        return speaking
    }

    /// Steps through `samples` (split into frames), then returns.
    func hear(_ samples: [Int16]) {
        for frame in TestAudio.frames(samples) { step(hearing: frame) }
    }

    func run(ticks: Int) {
        for _ in 0..<ticks { step() }
    }

    func firstTick(where predicate: (AgentVoiceEvent) -> Bool) -> Int? {
        events.first { predicate($0.event) }?.tick
    }

    var eventList: [AgentVoiceEvent] { events.map(\.event) }

    /// Samples of agent audio written so far (partial frames are zero-padded at the end of the
    /// queue only, so full frames count fully).
    func playedSamples(through lastTick: Int) -> Int {
        spoke.prefix(lastTick + 1).filter { $0 }.count * AgentVoiceChannel.frameSamples
    }
}

extension AgentVoiceChannel {
    /// Queues a pre-synthesized utterance in full.
    func queue(_ speech: SynthesizedSpeech, id: UtteranceID) {
        enqueue(id, text: speech.text)
        appendAudio(speech.samples, marks: speech.marks, to: id)
        finishAudio(of: id)
    }
}
