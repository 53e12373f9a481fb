import Codecs
import Foundation

/// The worker thread's side: the decoder, the resampler and utterance bookkeeping.
final class RecognizerSessionWorker {
    private let core: SessionCore
    private let model: SpeechModel
    private let mode: RecognitionMode
    private let inputSampleRate: Int
    private let tuning: RecognizerTuning
    private let onEvent: @Sendable (RecognitionEvent) -> Void
    private var decoder: PocketSphinxDecoder?
    private var upsampler: Resampler?
    private var utterance = 0
    private var inUtterance = false
    private var utteranceSamples = 0
    private var lastPartial = ""
    private var lastPartialFrame = 0
    private var scratch: [Int16] = []

    init(core: SessionCore, model: SpeechModel, mode: RecognitionMode, inputSampleRate: Int, tuning: RecognizerTuning,
         onEvent: @escaping @Sendable (RecognitionEvent) -> Void) {
        self.core = core
        self.model = model
        self.mode = mode
        self.inputSampleRate = inputSampleRate
        self.tuning = tuning
        self.onEvent = onEvent
    }

    func run() {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            if inputSampleRate != model.sampleRate {
                do {
                    upsampler = try Resampler(from: inputSampleRate, to: model.sampleRate, quality: 5)
                } catch {
                    throw SpeechError.resampler(error)
                }
            }
            decoder = try PocketSphinxDecoder(model: model, mode: mode, tuning: tuning,
                                              narrowband: inputSampleRate < model.sampleRate)
            let elapsed = clock.now - start
            core.statistics.withLock { $0.creationTime = elapsed }
            onEvent(.ready(creationTime: elapsed))
        } catch let error as SpeechError {
            core.markFailed()
            onEvent(.failed(error))
        } catch {
            core.markFailed()
            onEvent(.failed(.decoderInitFailed(reason: String(describing: error))))
        }
        // Serve commands until close; each pass waits on the semaphore.
        while true {
            for command in core.take() {
                switch command {
                case .begin: begin()
                case .audio(let samples): decode(samples)
                case .end: end()
                case .close:
                    if inUtterance { end() }
                    decoder = nil
                    return
                }
            }
        }
    }

    private func begin() {
        guard !inUtterance, let decoder else { return }
        utterance += 1
        inUtterance = decoder.startUtterance()
        utteranceSamples = 0
        lastPartial = ""
        lastPartialFrame = 0
    }

    private func decode(_ samples: [Int16]) {
        guard let decoder else { return }
        if !inUtterance { begin() }
        guard inUtterance else { return }
        let cpuStart = threadCPUTime()
        if let upsampler {
            scratch.removeAll(keepingCapacity: true)
            samples.withUnsafeBufferPointer { try? upsampler.process($0, into: &scratch) }
            scratch.withUnsafeBufferPointer { decoder.process($0) }
        } else {
            samples.withUnsafeBufferPointer { decoder.process($0) }
        }
        utteranceSamples += samples.count
        var partial: String?
        if decoder.frameCount - lastPartialFrame >= tuning.partialIntervalFrames {
            lastPartialFrame = decoder.frameCount
            let text = decoder.partialHypothesis()
            if !text.isEmpty, text != lastPartial {
                lastPartial = text
                partial = text
            }
        }
        let cpu = threadCPUTime() - cpuStart
        let rate = inputSampleRate
        core.statistics.withLock {
            $0.decodeCPUTime += cpu
            $0.decodedSamples += samples.count
            $0.decodedAudio = .microseconds(Int64($0.decodedSamples) * 1_000_000 / Int64(rate))
        }
        if let partial { onEvent(.partial(utterance: utterance, text: partial)) }
    }

    private func end() {
        guard let decoder else { return }
        guard inUtterance else {
            // An end without audio still answers, so a caller waiting for a final gets one.
            utterance += 1
            onEvent(.final(RecognitionResult(utterance: utterance, text: "", confidence: nil, isRejected: false,
                                             audioDuration: .zero)))
            return
        }
        let cpuStart = threadCPUTime()
        let outcome = decoder.endUtterance()
        let cpu = threadCPUTime() - cpuStart
        inUtterance = false
        core.statistics.withLock {
            $0.decodeCPUTime += cpu
            $0.utterances += 1
        }
        let duration = Duration.microseconds(utteranceSamples * 1_000_000 / inputSampleRate)
        onEvent(.final(RecognitionResult(utterance: utterance, text: outcome.text, confidence: outcome.confidence,
                                         isRejected: outcome.rejected, audioDuration: duration)))
    }
}

/// CPU time of the calling thread.
func threadCPUTime() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
}
