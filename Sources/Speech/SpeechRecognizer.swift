import Logging

/// Offline speech recognition with pocketsphinx: a factory of per-call ``RecognizerSession``s.
///
/// Each call gets its own decoder (reusing one across calls changes later results) on its own
/// thread. The recognizer itself holds only the model paths and tuning, so one instance serves
/// the whole process and is built at the composition root.
public struct SpeechRecognizer: Sendable {
    /// The input rates a session accepts (8 kHz is upsampled to the model's 16 kHz).
    public static let supportedSampleRates: Set<Int> = [8000, 16000]

    public var model: SpeechModel
    public var tuning: RecognizerTuning
    public var logger: Logger

    public init(model: SpeechModel = .debianEnUS, tuning: RecognizerTuning = RecognizerTuning(),
                logger: Logger = Logger(label: "parley.speech.stt")) {
        self.model = model
        self.tuning = tuning
        self.logger = logger
    }

    /// Starts a session and returns at once; the decoder is built on the session's worker and
    /// `onEvent` hears `ready` or `failed` when that is done. Fails synchronously only for
    /// arguments that can never work (a rate other than 8/16 kHz, missing model files).
    public func makeSession(mode: RecognitionMode, inputSampleRate: Int = 16000,
                            onEvent: @escaping @Sendable (RecognitionEvent) -> Void) throws(SpeechError) -> RecognizerSession {
        guard Self.supportedSampleRates.contains(inputSampleRate) else {
            throw .unsupportedSampleRate(component: "recognizer", sampleRate: inputSampleRate)
        }
        try model.validate(for: mode)
        let logger = self.logger
        return RecognizerSession(model: model, mode: mode, inputSampleRate: inputSampleRate, tuning: tuning) { event in
            if case .failed(let error) = event {
                logger.error("recognizer session failed", metadata: ["error": "\(error)"])
            }
            onEvent(event)
        }
    }
}
