import Foundation

/// Where a pocketsphinx acoustic model, pronunciation dictionary and language model live.
///
/// Debian's `pocketsphinx-en-us` ships one 16 kHz US-English model (``debianEnUS``); there is
/// no 8 kHz model, so 8 kHz audio is upsampled before decoding.
public struct SpeechModel: Sendable, Equatable {
    /// The acoustic model directory (`-hmm`).
    public var acousticModel: String
    /// The pronunciation dictionary (`-dict`).
    public var dictionary: String
    /// The n-gram language model for ``RecognitionMode/languageModel`` (`-lm`).
    public var languageModel: String
    /// The rate the acoustic model was trained at.
    public var sampleRate: Int
    /// Initial cepstral mean (13 comma-separated values, as in `-cmninit`) for sessions fed narrowband audio (8 kHz upsampled).
    /// pocketsphinx adapts the mean only between utterances, starting from the model's wideband
    /// value, which is far from what band-limited audio gives: without this the first two or
    /// three 8 kHz utterances of a call are lost.
    public var narrowbandCepstralMean: String?

    public init(acousticModel: String, dictionary: String, languageModel: String, sampleRate: Int = 16000,
                narrowbandCepstralMean: String? = nil) {
        self.acousticModel = acousticModel
        self.dictionary = dictionary
        self.languageModel = languageModel
        self.sampleRate = sampleRate
        self.narrowbandCepstralMean = narrowbandCepstralMean
    }

    /// Debian's `pocketsphinx-en-us` package. Its narrowband mean was measured by decoding
    /// Debian's real test speech (pocketsphinx-testdata: cards, LibriVox, goforward) taken down
    /// to 8 kHz and back up with speexdsp, and reading the adapted mean.
    public static let debianEnUS = SpeechModel(
        acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
        dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
        languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
        narrowbandCepstralMean: "43.42,30.00,-38.24,43.02,-17.53,-5.91,14.08,-28.47,16.98,-9.30,-5.85,11.64,-14.94")

    /// Checks that the files `mode` needs exist.
    public func validate(for mode: RecognitionMode) throws(SpeechError) {
        var paths = [acousticModel + "/mdef", dictionary]
        if mode == .languageModel { paths.append(languageModel) }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw .modelNotFound(path: path)
        }
    }
}
