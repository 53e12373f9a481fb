extension AgentVoiceChannel {
    /// Speaks `text` as utterance `id`: queues it and streams espeak-ng's 16 kHz audio and word
    /// marks into the channel as they are made. Barge-in and ``stopSpeaking()`` cancel the job.
    /// For long replies call it once per sentence (``SentenceSplitter``) so speech starts early
    /// and a barge-in wastes little synthesis.
    @discardableResult
    public func say(_ text: String, id: UtteranceID, synthesizer: SpeechSynthesizer = .shared,
                    options: SynthesisOptions = SynthesisOptions()) throws(SpeechError) -> SynthesisJob {
        var options = options
        options.sampleRate = Self.sampleRate
        enqueue(id, text: text)
        let job = try synthesizer.synthesize(text, options: options) { [weak self] event in
            switch event {
            case .audio(let chunk):
                self?.appendAudio(chunk.samples, marks: chunk.marks, to: id)
            case .finished:
                self?.finishAudio(of: id)
            }
        }
        attach(job, to: id)
        return job
    }
}
