/// DTMF: digits are recorded (unless private), may end a turn of their own (menus), and feed a
/// collect-digits step, which ends on its count, its grammar, the terminator or its timeout.
/// Private digits never reach the turns, the digits record or the model: a collection hands
/// them to HTTP tools only.
extension ConversationWorkflow {
    func dtmf(_ digit: String, _ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        let settings = settings(state)
        if !settings.digitsPrivate { state.digits += digit }
        state.idleCount = 0
        if state.collection != nil {
            collect(digit, &state, now, &commands)
            return
        }
        armIdle(&state, now, &commands)
        if settings.digitEndsTurn, !settings.digitsPrivate, state.activeTool == nil {
            requestReply(to: digit, isDTMF: true, &state, now, &commands)
        }
    }

    private func collect(_ digit: String, _ state: inout ConversationState, _ now: WorkflowTime,
                         _ commands: inout Commands) {
        guard var collection = state.collection else { return }
        if let terminator = collection.spec.terminator, digit == terminator {
            let ok = !collection.keys.isEmpty && accepts(collection, terminated: true)
            finishCollection(ok: ok, why: ok ? nil : "entry ended before it was complete", &state, now, &commands)
            return
        }
        collection.keys += digit
        state.collection = collection
        switch collection.spec.mode {
        case .count(let count):
            if collection.keys.count >= count { finishCollection(ok: true, why: nil, &state, now, &commands) }
        case .grammar(let pattern):
            switch (try? DigitGrammar(pattern))?.match(collection.keys) ?? .noMatch {
            case .complete: finishCollection(ok: true, why: nil, &state, now, &commands)
            case .noMatch: finishCollection(ok: false, why: "the entry does not match", &state, now, &commands)
            case .partial, .open: break
            }
        }
    }

    func collectionTimedOut(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active, let collection = state.collection else { return }
        let ok = !collection.keys.isEmpty && accepts(collection, terminated: false)
        finishCollection(ok: ok, why: ok ? nil : "timed out", &state, now, &commands)
    }

    /// Whether the keys so far are an acceptable entry when input stops: a count may be cut
    /// short by the terminator, not by the timeout; a grammar must be matched either way.
    private func accepts(_ collection: DigitCollection, terminated: Bool) -> Bool {
        switch collection.spec.mode {
        case .count(let count):
            return terminated ? collection.keys.count <= count : collection.keys.count == count
        case .grammar(let pattern):
            let match = (try? DigitGrammar(pattern))?.match(collection.keys) ?? .noMatch
            return match == .complete || match == .open
        }
    }

    private func finishCollection(ok: Bool, why: String?, _ state: inout ConversationState, _ now: WorkflowTime,
                                  _ commands: inout Commands) {
        guard let collection = state.collection, let active = state.activeTool else { return }
        state.collection = nil
        commands.append(.cancelTimer(Self.collectTimer))
        let keys = collection.keys
        let detail: String
        if settings(state).digitsPrivate {
            if ok { state.privateDigits = keys }
            let count = "\(keys.count) digit\(keys.count == 1 ? "" : "s")"
            detail = ok ? "received \(count) (kept private)" : "\(why ?? "failed") after \(count)"
        } else {
            detail = ok ? keys : "\(why ?? "failed"): \(keys.isEmpty ? "no digits" : keys)"
        }
        state.followUp = true
        toolFinished(active.id, ok: ok, detail: detail, &state, now, &commands)
    }
}
