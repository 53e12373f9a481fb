internal import CEspeakNG
import Codecs
import Dispatch
import Foundation
import Synchronization

/// A job with what the worker needs to run it.
struct SynthesisRequest: Sendable {
    var job: SynthesisJob
    var options: SynthesisOptions
    var handler: @Sendable (SynthesisEvent) -> Void
}

/// The one thread that calls espeak-ng. Requests queue here and run strictly one at a time.
final class SynthesisWorker: Sendable {
    private let pending = Mutex<[SynthesisRequest]>([])
    private let wakeup = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            let engine = EspeakEngine()
            // The synthesizer lives for the whole process: this loop waits for work forever.
            while true {
                wakeup.wait()
                let next = pending.withLock { queue in queue.isEmpty ? nil : queue.removeFirst() }
                if let next { engine.run(next) }
            }
        }
        thread.name = "parley-tts"
        thread.start()
    }

    func submit(_ request: SynthesisRequest) {
        pending.withLock { $0.append(request) }
        wakeup.signal()
    }
}

/// espeak-ng's state, confined to the worker thread.
private final class EspeakEngine {
    static let nativeRate = 22_050
    private let initError: SpeechError?
    private var currentVoice: String?
    private var currentRate: Int32?

    init() {
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 60, nil, Int32(espeakINITIALIZE_DONT_EXIT))
        if rate == Int32(Self.nativeRate) {
            espeak_SetSynthCallback(espeakSynthCallback)
            initError = nil
        } else if rate < 0 {
            initError = .synthesizerUnavailable(reason: "espeak_Initialize returned \(rate) (is espeak-ng-data installed?)")
        } else {
            initError = .synthesizerUnavailable(reason: "espeak-ng produces \(rate) Hz, expected \(Self.nativeRate)")
        }
    }

    func run(_ request: SynthesisRequest) {
        let job = request.job
        if let initError { return finish(request, .failed(initError)) }
        if job.isCancelled { return finish(request, .cancelled(deliveredSamples: 0)) }
        if currentVoice != request.options.voice {
            let status = request.options.voice.withCString { espeak_SetVoiceByName($0) }
            guard status == EE_OK else {
                currentVoice = nil
                return finish(request, .failed(.unknownVoice(name: request.options.voice)))
            }
            currentVoice = request.options.voice
            currentRate = nil
        }
        let rate = Int32(request.options.wordsPerMinute ?? Int(espeakRATE_NORMAL))
        if currentRate != rate {
            _ = espeak_SetParameter(espeakRATE, rate, 0)
            currentRate = rate
        }
        let run: SynthesisRun
        do {
            run = try SynthesisRun(request: request, inputRate: Self.nativeRate)
        } catch {
            return finish(request, .failed(.resampler(error)))
        }
        var flags = UInt32(espeakCHARS_UTF8)
        if request.options.endPause { flags |= UInt32(espeakENDPAUSE) }
        let context = Unmanaged.passRetained(run)
        let status = job.text.withCString { text in
            espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, flags, nil, context.toOpaque())
        }
        context.release()
        if job.isCancelled {
            return finish(request, .cancelled(deliveredSamples: run.deliveredSamples))
        }
        guard status == EE_OK else { return finish(request, .failed(.synthesisFailed(status: status.rawValue))) }
        run.flush()
        finish(request, .completed(totalSamples: run.deliveredSamples))
    }

    private func finish(_ request: SynthesisRequest, _ completion: SynthesisCompletion) {
        request.handler(.finished(completion))
        request.job.finish(completion)
    }
}

/// espeak-ng calls this (on the worker thread, inside `espeak_Synth`) for every block of audio;
/// the run rides in each event's `user_data`. Returning 1 aborts the synthesis.
private func espeakSynthCallback(_ wav: UnsafeMutablePointer<Int16>?, _ count: Int32,
                                 _ events: UnsafeMutablePointer<espeak_EVENT>?) -> Int32 {
    guard let events, let context = events.pointee.user_data else { return 0 }
    let run = Unmanaged<SynthesisRun>.fromOpaque(context).takeUnretainedValue()
    if run.job.isCancelled { return 1 }
    var marks: [SynthesisRun.RawMark] = []
    var event = events
    // The list ends with a terminator; the bound guards against a list that does not.
    for _ in 0..<4096 where event.pointee.type != espeakEVENT_LIST_TERMINATED {
        if event.pointee.type == espeakEVENT_WORD {
            marks.append(.init(sample: Int(event.pointee.sample), textPosition: Int(event.pointee.text_position),
                               length: Int(event.pointee.length)))
        }
        event += 1
    }
    let samples = (wav != nil && count > 0) ? UnsafeBufferPointer(start: wav, count: Int(count)) : UnsafeBufferPointer(start: nil, count: 0)
    run.consume(samples, marks: marks)
    return run.job.isCancelled ? 1 : 0
}

/// One job's conversion state: resampling 22,050 Hz to the job's rate and turning espeak's
/// character positions into String indices.
final class SynthesisRun {
    struct RawMark {
        var sample: Int
        var textPosition: Int
        var length: Int
    }

    let job: SynthesisJob
    private let handler: @Sendable (SynthesisEvent) -> Void
    private let resampler: Resampler?
    private let inputRate: Int
    /// Resampler output still to drop so output sample n lines up with input time n.
    private var latencyToTrim: Int
    /// String indices of each Unicode scalar of the text, plus the end index.
    private let scalarIndices: [String.Index]
    private var lastMark: WordMark?
    private(set) var deliveredSamples = 0

    init(request: SynthesisRequest, inputRate: Int) throws(CodecError) {
        job = request.job
        handler = request.handler
        self.inputRate = inputRate
        if request.options.sampleRate == inputRate {
            resampler = nil
            latencyToTrim = 0
        } else {
            let resampler = try Resampler(from: inputRate, to: request.options.sampleRate, quality: 5)
            self.resampler = resampler
            latencyToTrim = resampler.outputLatency
        }
        var indices = Array(job.text.unicodeScalars.indices)
        indices.append(job.text.endIndex)
        scalarIndices = indices
    }

    func consume(_ input: UnsafeBufferPointer<Int16>, marks raw: [RawMark]) {
        var out: [Int16] = []
        if let resampler {
            do {
                try resampler.process(input, into: &out)
            } catch {
                return
            }
            trimLatency(&out)
        } else {
            out = Array(input)
        }
        let marks = raw.compactMap(convert)
        guard !out.isEmpty || !marks.isEmpty else { return }
        let chunk = SynthesisChunk(samples: out, sampleOffset: deliveredSamples, marks: marks)
        deliveredSamples += out.count
        handler(.audio(chunk))
    }

    /// Pushes the resampler's tail out with silence once espeak has finished.
    func flush() {
        guard let resampler else { return }
        let zeros = [Int16](repeating: 0, count: resampler.inputLatency + 1)
        var out: [Int16] = []
        zeros.withUnsafeBufferPointer { try? resampler.process($0, into: &out) }
        trimLatency(&out)
        guard !out.isEmpty else { return }
        handler(.audio(SynthesisChunk(samples: out, sampleOffset: deliveredSamples, marks: [])))
        deliveredSamples += out.count
    }

    private func trimLatency(_ out: inout [Int16]) {
        guard latencyToTrim > 0, !out.isEmpty else { return }
        let drop = min(latencyToTrim, out.count)
        out.removeFirst(drop)
        latencyToTrim -= drop
    }

    /// espeak's positions are 1-based Unicode scalar offsets; its sample numbers are at 22,050 Hz.
    /// Marks that overlap or go backwards (espeak emits a few for merged words and numbers) and
    /// zero-length ones are dropped, so the marks stay monotonic.
    private func convert(_ raw: RawMark) -> WordMark? {
        let start = raw.textPosition - 1
        guard raw.length > 0, start >= 0, start < scalarIndices.count - 1 else { return nil }
        let end = min(start + raw.length, scalarIndices.count - 1)
        let offset = raw.sample * job.sampleRate / inputRate
        let mark = WordMark(sampleOffset: offset, characterRange: scalarIndices[start]..<scalarIndices[end])
        if let lastMark, mark.characterRange.lowerBound < lastMark.characterRange.upperBound
            || mark.sampleOffset < lastMark.sampleOffset {
            return nil
        }
        lastMark = mark
        return mark
    }
}
