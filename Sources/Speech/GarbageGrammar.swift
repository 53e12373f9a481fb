internal import CPocketSphinx

/// Builds the finite-state grammar a grammar-mode decoder searches: the caller's JSGF grammar
/// in parallel with a garbage loop of one-phone words.
///
/// pocketsphinx forces any speech into the grammar ("the weather is lovely" comes out as a string
/// of digits), so out-of-grammar speech needs something else to match. Here that is a loop over
/// the 39 phones: speech outside the grammar fits the free phone loop better than any grammar
/// sentence, speech inside it fits the grammar's words (with their cross-word triphones and no
/// per-phone penalty) better. The two branches share only a new start and a new final state,
/// so a hypothesis is either all grammar or all garbage.
///
///     new start ──p(entry)──▶ garbage ◀──┐
///         │                    │ phone   │ p(loop)
///         │ 1-p(entry)         ▼         │
///         ▼                  after ──────┘
///     JSGF start … JSGF final     │ 1-p(loop)
///                    └──────────▶ new final
///
/// JSGF's own `|` cannot express this: sphinxbase's JSGF compiler shares states between a rule's
/// alternatives and its `+` loops, which lets a path mix garbage and grammar words.
enum GarbageGrammar {
    /// Probability that the garbage loop takes another phone.
    static let loopProbability = 0.9

    static func build(jsgf: String, logmath: OpaquePointer?, languageWeight: Float, garbageWords: [String],
                      entryProbability: Double, phoneProbability: Double) throws(SpeechError) -> UnsafeMutablePointer<fsg_model_t> {
        guard (0.0..<1.0).contains(entryProbability), entryProbability > 0,
              phoneProbability > 0, phoneProbability <= 1 else {
            throw .invalidSetting(name: "garbage probabilities", value: "\(entryProbability), \(phoneProbability)")
        }
        // sphinxbase's lexer echoes text it cannot tokenise to stdout; text without the JSGF
        // header is refused before it gets there.
        guard jsgf.drop(while: \.isWhitespace).hasPrefix("#JSGF") else {
            throw .invalidGrammar(reason: "the text does not start with a #JSGF header")
        }
        guard let grammar = jsgf.withCString({ jsgf_parse_string($0, nil) }) else {
            throw .invalidGrammar(reason: "sphinxbase could not parse the JSGF text")
        }
        defer { jsgf_grammar_free(grammar) }
        guard let rule = jsgf_get_public_rule(grammar) else {
            throw .invalidGrammar(reason: "the grammar has no public rule")
        }
        guard let original = jsgf_build_fsg(grammar, rule, logmath, languageWeight) else {
            throw .invalidGrammar(reason: "sphinxbase could not compile the grammar")
        }
        defer { fsg_model_free(original) }

        let states = original.pointee.n_state
        let newStart = states, newFinal = states + 1, garbage = states + 2, afterPhone = states + 3
        guard let fsg = fsg_model_init(PocketSphinxDecoder.searchName, logmath, languageWeight, states + 4) else {
            throw .invalidGrammar(reason: "could not allocate the grammar")
        }
        func logProbability(_ p: Double) -> Int32 {
            Int32(Float(logmath_log(logmath, p)) * languageWeight)
        }
        // Same words in the same order, so word ids carry over unchanged.
        for index in 0..<Int(original.pointee.n_word) {
            if let word = original.pointee.vocab[index] { _ = fsg_model_word_add(fsg, word) }
        }
        copyTransitions(from: original, to: fsg)
        fsg_model_null_trans_add(fsg, newStart, original.pointee.start_state, logProbability(1 - entryProbability))
        fsg_model_null_trans_add(fsg, newStart, garbage, logProbability(entryProbability))
        fsg_model_null_trans_add(fsg, original.pointee.final_state, newFinal, 0)
        let phoneLog = logProbability(phoneProbability)
        for word in garbageWords {
            let id = fsg_model_word_add(fsg, word)
            fsg_model_trans_add(fsg, garbage, afterPhone, phoneLog, id)
        }
        fsg_model_null_trans_add(fsg, afterPhone, garbage, logProbability(loopProbability))
        fsg_model_null_trans_add(fsg, afterPhone, newFinal, logProbability(1 - loopProbability))
        fsg.pointee.start_state = newStart
        fsg.pointee.final_state = newFinal
        // The search follows null transitions through their closure, which must be rebuilt.
        _ = fsg_model_null_trans_closure(fsg, nil)
        return fsg
    }

    private static func copyTransitions(from source: UnsafeMutablePointer<fsg_model_t>, to target: UnsafeMutablePointer<fsg_model_t>) {
        for state in 0..<source.pointee.n_state {
            var iterator = fsg_model_arcs(source, state)
            // Bounded by the arcs of one state; the iterator frees itself at the end.
            for _ in 0..<1_000_000 {
                guard let current = iterator else { break }
                if let link = fsg_arciter_get(current) {
                    if link.pointee.wid < 0 {
                        fsg_model_null_trans_add(target, link.pointee.from_state, link.pointee.to_state, link.pointee.logs2prob)
                    } else {
                        fsg_model_trans_add(target, link.pointee.from_state, link.pointee.to_state, link.pointee.logs2prob,
                                            link.pointee.wid)
                    }
                }
                iterator = fsg_arciter_next(current)
            }
            if let iterator { fsg_arciter_free(iterator) }
        }
    }
}
