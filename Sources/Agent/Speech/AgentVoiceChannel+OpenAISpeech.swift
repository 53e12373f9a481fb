import Speech

extension AgentVoiceChannel {
    /// Speaks `text` as utterance `id` through an OpenAI-compatible synthesizer: queues it and
    /// streams the endpoint's audio (resampled to the channel's 16 kHz) and the estimated word
    /// marks into the channel as they arrive, the way ``say(_:id:synthesizer:options:)`` does for
    /// espeak-ng. Call it once per sentence so speech starts early.
    ///
    /// The channel only cancels espeak jobs on barge-in and ``stopSpeaking()``; audio for an
    /// utterance the channel dropped is discarded there, but the HTTP stream runs on, so the host
    /// should cancel the returned job when the channel reports the utterance stopped or barged
    /// into.
    @discardableResult
    public func say(_ text: String, id: UtteranceID, synthesizer: OpenAISpeechSynthesizer,
                    voice: String? = nil) throws(SpeechProviderError) -> OpenAISpeechJob {
        enqueue(id, text: text)
        do {
            return try synthesizer.synthesize(text, voice: voice, sampleRate: Self.sampleRate) { [weak self] event in
                switch event {
                case .audio(let chunk):
                    self?.appendAudio(chunk.samples, marks: chunk.marks, to: id)
                case .finished:
                    self?.finishAudio(of: id)
                }
            }
        } catch {
            // An utterance with no audio coming would hold every one behind it.
            finishAudio(of: id)
            throw error
        }
    }
}
