/// The HTTP side shared by the OpenAI-compatible speech providers: the endpoint's URL and
/// timeout, the bearer key, and the retry loop of ``SpeechRetryPolicy``.
struct OpenAIAudioClient: Sendable {
    let endpoint: OpenAIEndpoint
    let apiKey: String?
    let http: AgentHTTPClient
    let policy: SpeechRetryPolicy
    /// "stt" or "tts", for the error counter.
    var service = "speech"
    var metrics = AgentMetrics.disabled

    /// A successful response with its body still streaming, and how many attempts it took.
    struct Answer: Sendable {
        var response: AgentHTTPClient.Streaming
        var attempts: Int
    }

    func url(_ path: String) -> String { endpoint.baseURL + path }

    /// POSTs `body` to the endpoint's `path` until it answers 2xx or the policy gives up.
    /// Waits between attempts are task sleeps, so cancelling the task ends them at once.
    /// `onAttempt` is told the number of each attempt as it starts (1, 2, ...).
    func post(_ path: String, contentType: String, accept: String, body: [UInt8],
              onAttempt: (Int) -> Void = { _ in }) async throws(SpeechProviderError) -> Answer {
        var headers = [("content-type", contentType), ("accept", accept)]
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey)")) }
        var attempts = 0
        // Bounded: the policy gives up after `retries` more attempts; the extra bound guards it.
        while attempts <= policy.retries + 1 {
            attempts += 1
            onAttempt(attempts)
            let failure: SpeechProviderError
            do {
                let response = try await http.stream("POST", url(path), headers: headers, body: body,
                                                     timeout: endpoint.timeout)
                if (200..<300).contains(response.status) { return Answer(response: response, attempts: attempts) }
                let text = try await AgentHTTPClient.collect(response.body, limit: 16_384)
                failure = .http(status: response.status, body: String(decoding: text, as: UTF8.self),
                                retryAfter: AgentHTTPClient.retryAfter(response.headers))
            } catch {
                if Task.isCancelled { throw .cancelled }
                failure = SpeechProviderError(error)
            }
            if let kind = AgentMetrics.kind(of: failure) { metrics.providerError(service: service, kind: kind) }
            guard let delay = policy.delay(after: failure, attempts: attempts) else { throw failure }
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw .cancelled
            }
        }
        throw .cancelled
    }
}
