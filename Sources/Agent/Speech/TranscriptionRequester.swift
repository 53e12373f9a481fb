import Codecs
import Logging
import Speech

/// Sends one utterance to `/audio/transcriptions` and turns the answer (or the failure) into a
/// ``RecognitionResult``. Runs on ``OpenAITranscriber``'s worker task, one utterance at a time.
struct TranscriptionRequester: Sendable {
    let client: OpenAIAudioClient
    let sampleRate: Int
    let language: String?
    let options: OpenAITranscriber.Options
    let shared: TranscriberShared
    let logger: Logger

    var path: String { "/audio/transcriptions" }

    /// Never throws: failures become an empty, rejected result (see ``OpenAITranscriber``).
    func transcribe(_ queued: QueuedUtterance) async -> RecognitionResult {
        let utterance = queued.utterance
        let duration = Duration.microseconds(Int64(utterance.samples.count) * 1_000_000 / Int64(sampleRate))
        var result = RecognitionResult(utterance: utterance.number, text: "", confidence: nil, isRejected: true,
                                       audioDuration: duration)
        guard duration >= options.minimumUtterance else {
            shared.count { $0.utterancesTooShort += 1 }
            return result
        }
        do throws(SpeechProviderError) {
            let text = try await request(utterance.samples)
            result.text = text
            result.isRejected = text.isEmpty
        } catch {
            if case .cancelled = error { return result }
            shared.count { statistics in
                statistics.failures += 1
                statistics.lastError = error
            }
            logger.error("transcription failed", metadata: [
                "utterance": "\(utterance.number)", "error": "\(error)", "url": "\(client.url(path))",
            ])
        }
        let latency = ContinuousClock.now - queued.endedAt
        shared.count { $0.lastLatency = latency }
        return result
    }

    /// The multipart body: the WAV file first, then the fields.
    func body(for samples: [Int16], boundary: String) -> MultipartFormData {
        var form = MultipartFormData(boundary: boundary)
        let wav = WAVFile.pcm16(samples: samples, sampleRate: sampleRate).serialized()
        form.addFile("file", filename: "utterance.wav", contentType: "audio/wav", data: wav)
        form.addField("model", client.endpoint.model)
        if let language { form.addField("language", language) }
        if let temperature = client.endpoint.temperature { form.addField("temperature", String(temperature)) }
        form.addField("response_format", "json")
        return form
    }

    private func request(_ samples: [Int16]) async throws(SpeechProviderError) -> String {
        let form = body(for: samples, boundary: MultipartFormData.randomBoundary())
        let answer = try await client.post(path, contentType: form.contentType, accept: "application/json",
                                           body: form.bytes) { attempt in
            shared.count { statistics in
                statistics.requests += 1
                if attempt > 1 { statistics.retries += 1 }
            }
        }
        let bytes: [UInt8]
        do {
            bytes = try await AgentHTTPClient.collect(answer.response.body, limit: options.maximumResponseBytes)
        } catch {
            throw SpeechProviderError(error)
        }
        return try TranscriptionResponse.text(from: bytes, contentType: answer.response.headers.first(name: "content-type"))
    }
}
