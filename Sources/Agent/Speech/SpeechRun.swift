import Logging
import Speech
import Synchronization

/// One job's request, stream and conversion, on the job's task.
struct SpeechRun: Sendable {
    let job: OpenAISpeechJob
    let voice: String
    let client: OpenAIAudioClient
    let options: OpenAISpeechSynthesizer.Options
    let handler: @Sendable (SynthesisEvent) -> Void
    let logger: Logger

    static let path = "/audio/speech"

    static func body(model: String, text: String, voice: String, format: OpenAISpeechSynthesizer.ResponseFormat) -> [UInt8] {
        JSONValue.object([
            "model": .string(model), "input": .string(text), "voice": .string(voice),
            "response_format": .string(format.rawValue),
        ]).jsonBytes
    }

    func run() async {
        let delivery = Delivery(job: job, handler: handler)
        do throws(SpeechProviderError) {
            try await stream(into: delivery)
            if job.isCancelled { return finish(.cancelled(deliveredSamples: delivery.delivered), error: nil) }
            finish(.completed(totalSamples: delivery.delivered), error: nil)
        } catch {
            if job.isCancelled || error == .cancelled {
                return finish(.cancelled(deliveredSamples: delivery.delivered), error: nil)
            }
            logger.error("speech synthesis failed", metadata: [
                "error": "\(error)", "url": "\(client.url(Self.path))", "characters": "\(job.text.count)",
            ])
            finish(.failed(error.speechError), error: error)
        }
    }

    private func finish(_ completion: SynthesisCompletion, error: SpeechProviderError?) {
        handler(.finished(completion))
        job.finish(completion, error: error)
    }

    private func stream(into delivery: Delivery) async throws(SpeechProviderError) {
        guard job.text.contains(where: { !$0.isWhitespace }) else { return }
        let start = ContinuousClock.now
        let answer = try await client.post(
            Self.path, contentType: "application/json", accept: "audio/pcm, audio/wav, application/octet-stream",
            body: Self.body(model: client.endpoint.model, text: job.text, voice: voice, format: options.responseFormat),
            onAttempt: { job.recordAttempt($0) })
        var decoder = SpeechAudioDecoder(outputRate: job.sampleRate, rawSampleRate: options.rawSampleRate)
        var received = 0
        do {
            for try await buffer in answer.response.body {
                if job.isCancelled { return }
                received += buffer.readableBytes
                guard received <= options.maximumBodyBytes else {
                    throw SpeechProviderError.badResponse("speech body exceeds \(options.maximumBodyBytes) bytes")
                }
                let samples = try decoder.feed(buffer.readableBytesView)
                if !samples.isEmpty {
                    job.recordFirstAudio(ContinuousClock.now - start)
                    delivery.deliver(samples, marks: [])
                }
            }
        } catch let error as SpeechProviderError {
            throw error
        } catch {
            if job.isCancelled { return }
            throw SpeechProviderError(AgentHTTPClient.map(error))
        }
        if job.isCancelled { return }
        let tail = try decoder.finish()
        guard decoder.producedSamples > 0 else { throw .badResponse("the speech body held no audio") }
        let marks = WordMarkEstimator.marks(for: job.text, totalSamples: decoder.producedSamples,
                                            voiced: decoder.voicedRange)
        if !tail.isEmpty { job.recordFirstAudio(ContinuousClock.now - start) }
        delivery.deliver(tail, marks: marks)
    }
}

/// Hands chunks to the job's handler with their offsets, unless the job was cancelled.
private final class Delivery: Sendable {
    let job: OpenAISpeechJob
    let handler: @Sendable (SynthesisEvent) -> Void
    private let count = Atomic<Int>(0)

    init(job: OpenAISpeechJob, handler: @escaping @Sendable (SynthesisEvent) -> Void) {
        self.job = job
        self.handler = handler
    }

    var delivered: Int { count.load(ordering: .relaxed) }

    func deliver(_ samples: [Int16], marks: [WordMark]) {
        guard !job.isCancelled, !samples.isEmpty || !marks.isEmpty else { return }
        let offset = delivered
        handler(.audio(SynthesisChunk(samples: samples, sampleOffset: offset, marks: marks)))
        count.store(offset + samples.count, ordering: .relaxed)
    }
}
