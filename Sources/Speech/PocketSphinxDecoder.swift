internal import CPocketSphinx
import Foundation

/// One pocketsphinx decoder, confined to the thread that created it.
///
/// pocketsphinx decoders are independent of each other (safe on separate threads) but not
/// thread-safe themselves. Configuration goes through `cmd_ln_parse_r` with an argv array
/// because `cmd_ln_init` is C-variadic.
final class PocketSphinxDecoder {
    /// The 39 context-independent phones of the CMU US-English model; each becomes a one-phone
    /// garbage word in grammar mode.
    static let garbagePhones = ["AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G",
                                "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH",
                                "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH"]
    static let garbagePrefix = "parley_garbage_"
    static let searchName = "parley"

    private let decoder: OpaquePointer
    private let config: OpaquePointer
    private let isGrammar: Bool
    private let bestPath: Bool
    private var inUtterance = false

    /// Silences pocketsphinx's logging (it writes pages to stderr otherwise); done once.
    private static let loggingSilenced: Bool = {
        err_set_logfp(nil)
        return true
    }()

    /// - Parameter narrowband: the audio was upsampled from 8 kHz.
    init(model: SpeechModel, mode: RecognitionMode, tuning: RecognizerTuning, narrowband: Bool = false) throws(SpeechError) {
        _ = Self.loggingSilenced
        try model.validate(for: mode)
        isGrammar = mode != .languageModel
        bestPath = !isGrammar && tuning.languageModelBestPath
        // Grammar decoders start with an empty dictionary and get only the grammar's words
        // (see PronunciationLexicon): about 6 MB per decoder instead of 28 MB, built in a third of the time.
        var arguments = [
            "-hmm": model.acousticModel, "-dict": isGrammar ? "/dev/null" : model.dictionary,
            "-samprate": String(model.sampleRate),
            "-fwdflat": "no", "-bestpath": bestPath ? "yes" : "no",
        ]
        if !isGrammar { arguments["-lm"] = model.languageModel }
        arguments.merge(tuning.extraArguments) { _, extra in extra }
        guard let config = Self.parse(arguments) else {
            throw .decoderInitFailed(reason: "pocketsphinx rejected the arguments \(arguments.keys.sorted())")
        }
        guard let decoder = ps_init(config) else {
            cmd_ln_free_r(config)
            throw .decoderInitFailed(reason: "ps_init failed for model \(model.acousticModel)")
        }
        self.config = config
        self.decoder = decoder
        if narrowband, let mean = model.narrowbandCepstralMean { setCepstralMean(mean) }
        if case .grammar(let jsgf) = mode {
            // On failure the instance is fully initialised, so deinit frees decoder and config.
            try installGrammar(jsgf, lexicon: PronunciationLexicon.shared(path: model.dictionary), tuning: tuning)
        }
    }

    deinit {
        if inUtterance { ps_end_utt(decoder) }
        ps_free(decoder)
        cmd_ln_free_r(config)
    }

    private static func parse(_ arguments: [String: String]) -> OpaquePointer? {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.sorted { $0.key < $1.key }
            .flatMap { [strdup($0.key), strdup($0.value)] }
        defer { argv.forEach { free($0) } }
        return argv.withUnsafeMutableBufferPointer { buffer in
            cmd_ln_parse_r(nil, ps_args(), Int32(buffer.count), buffer.baseAddress, 1)
        }
    }

    /// Replaces the running cepstral mean. (`-cmninit` on the command line does not work: the
    /// model's feat.params overrides it.)
    private func setCepstralMean(_ text: String) {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingWhitespace()) }
        guard let features = ps_get_feat(decoder), let cmn = features.pointee.cmn_struct,
              values.count == Int(cmn.pointee.veclen) else { return }
        values.withUnsafeBufferPointer { cmn_live_set(cmn, $0.baseAddress) }
    }

    /// Compiles the grammar and wraps it with a garbage loop (see ``GarbageGrammar``).
    private func installGrammar(_ jsgf: String, lexicon: PronunciationLexicon, tuning: RecognizerTuning) throws(SpeechError) {
        for phone in Self.garbagePhones {
            _ = ps_add_word(decoder, Self.garbagePrefix + phone.lowercased(), phone, 0)
        }
        let words = Self.garbagePhones.map { Self.garbagePrefix + $0.lowercased() }
        let languageWeight = Float(cmd_ln_float_r(config, "-lw"))
        let fsg = try GarbageGrammar.build(jsgf: jsgf, logmath: ps_get_logmath(decoder), languageWeight: languageWeight,
                                           garbageWords: words, entryProbability: tuning.garbageEntryProbability,
                                           phoneProbability: tuning.garbagePhoneProbability)
        defer { fsg_model_free(fsg) }
        for index in 0..<Int(fsg.pointee.n_word) {
            guard let cWord = fsg.pointee.vocab[index] else { continue }
            let word = String(cString: cWord)
            guard !word.hasPrefix(Self.garbagePrefix) else { continue }
            let entries = lexicon.entries(for: word)
            guard !entries.isEmpty else {
                throw .invalidGrammar(reason: "'\(word)' is not in the pronunciation dictionary")
            }
            for entry in entries {
                _ = ps_add_word(decoder, entry.word, entry.phones, 0)
            }
        }
        guard ps_set_fsg(decoder, Self.searchName, fsg) == 0 else {
            throw .invalidGrammar(reason: "pocketsphinx could not build a search (a word missing from the dictionary?)")
        }
        guard ps_set_search(decoder, Self.searchName) == 0 else {
            throw .invalidGrammar(reason: "pocketsphinx could not select the grammar search")
        }
    }

    func startUtterance() -> Bool {
        if inUtterance { return true }
        inUtterance = ps_start_utt(decoder) == 0
        return inUtterance
    }

    /// Decodes 16 kHz samples of the current utterance.
    func process(_ samples: UnsafeBufferPointer<Int16>) {
        guard inUtterance, let base = samples.baseAddress, !samples.isEmpty else { return }
        _ = ps_process_raw(decoder, base, samples.count, 0, 0)
    }

    /// Decoder frames (10 ms) processed in this utterance.
    var frameCount: Int { Int(ps_get_n_frames(decoder)) }

    /// The best hypothesis so far, without fillers or garbage words.
    func partialHypothesis() -> String {
        guard inUtterance, let hypothesis = ps_get_hyp(decoder, nil) else { return "" }
        return Self.clean(String(cString: hypothesis)).text
    }

    /// Ends the utterance and returns its words, confidence and rejection.
    func endUtterance() -> (text: String, confidence: Double?, rejected: Bool) {
        guard inUtterance else { return ("", nil, false) }
        inUtterance = false
        ps_end_utt(decoder)
        guard let hypothesis = ps_get_hyp(decoder, nil) else { return ("", nil, false) }
        let (text, garbage) = Self.clean(String(cString: hypothesis))
        if isGrammar {
            // The garbage loop and the grammar are disjoint paths: any garbage word means the
            // garbage path won.
            return garbage > 0 ? ("", nil, true) : (text, nil, false)
        }
        return (text, bestPath && !text.isEmpty ? wordPosteriorMean() : nil, false)
    }

    /// The mean posterior of the best path's words (needs the lattice `-bestpath` built).
    private func wordPosteriorMean() -> Double? {
        let logmath = ps_get_logmath(decoder)
        var total = 0.0
        var count = 0
        var segment = ps_seg_iter(decoder)
        // Bounded: an utterance has far fewer segments than this.
        for _ in 0..<10_000 {
            guard let current = segment else { break }
            if let word = ps_seg_word(current), !Self.isFiller(String(cString: word)) {
                var acoustic: Int32 = 0, language: Int32 = 0, backoff: Int32 = 0
                let posterior = ps_seg_prob(current, &acoustic, &language, &backoff)
                total += min(1, max(0, logmath_exp(logmath, posterior)))
                count += 1
            }
            segment = ps_seg_next(current)
        }
        if let segment { ps_seg_free(segment) }
        return count > 0 ? total / Double(count) : nil
    }

    private static func isFiller(_ word: String) -> Bool {
        word.hasPrefix("<") || word.hasPrefix("[") || word.hasPrefix("+") || word.hasPrefix(garbagePrefix)
    }

    /// Drops fillers and garbage words; counts the garbage words.
    static func clean(_ hypothesis: String) -> (text: String, garbage: Int) {
        var words: [Substring] = []
        var garbage = 0
        for word in hypothesis.split(separator: " ") {
            if word.hasPrefix(garbagePrefix) {
                garbage += 1
            } else if !isFiller(String(word)) {
                words.append(word)
            }
        }
        return (words.joined(separator: " "), garbage)
    }
}
