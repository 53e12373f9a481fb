/// Tool calls: a reply's calls run one at a time, in order. Call actions go to the host as
/// effects and come back as `.toolResult` signals; `hangUp` ends the call; `collectDigits` is a
/// workflow step (`ConversationWorkflow+Digits.swift`); HTTP tools run as activities. Every
/// call and every result is a turn, so the transcript in the log holds all of them.
extension ConversationWorkflow {
    /// The activity id of an HTTP tool call.
    static func toolActivity(_ invocation: ToolInvocation) -> ActivityID {
        ActivityID("tool-\(invocation.id)")
    }

    /// What activities need to know about the call's agent; nil without an agent pin.
    func agentContext(_ state: ConversationState) -> AgentCallContext? {
        guard let agent = state.input.agent else { return nil }
        return AgentCallContext(version: agent.version, caller: state.input.caller, callee: state.input.callee,
                                room: state.room)
    }

    /// Whether a final utterance gets an answer now.
    func shouldAnswer(_ text: String, _ state: ConversationState) -> Bool {
        if state.activeTool != nil || state.collection != nil { return false }
        if state.room != nil, let name = settings(state).addressName {
            return Self.mentions(name, in: text)
        }
        return true
    }

    /// Whether `text` contains `name` as whole words, ignoring case and punctuation.
    static func mentions(_ name: String, in text: String) -> Bool {
        let wanted = words(name)
        guard !wanted.isEmpty else { return true }
        let heard = words(text)
        guard heard.count >= wanted.count else { return false }
        for start in 0...(heard.count - wanted.count) where Array(heard[start..<(start + wanted.count)]) == wanted {
            return true
        }
        return false
    }

    private static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// The brain answered: say its words, then run its tool calls.
    func agentReplied(_ text: String, _ calls: [ToolInvocation], _ state: inout ConversationState,
                      _ now: WorkflowTime, _ commands: inout Commands) {
        var numbered: [ToolInvocation] = []
        for var call in calls {
            state.toolCount += 1
            call.id = "call-\(state.toolCount)"
            numbered.append(call)
        }
        state.toolRounds += 1
        if text.isEmpty && numbered.isEmpty {
            say(settings(state).fallbackReply, &state, now, &commands)
        } else {
            state.turns.append(Turn(speaker: .agent, text: text, at: now, toolCalls: numbered))
            if !text.isEmpty { commands.append(.emit(.speak(text))) }
        }
        if let ask = state.pendingAsk {
            state.pendingAsk = nil
            commands.append(.answerUpdate(ask, .success(.answered(text))))
        }
        state.toolQueue = numbered
        state.followUp = false
        runNextTool(&state, now, &commands)
    }

    /// Starts the next queued tool call; when none is left, asks the brain again if a tool gave
    /// it something to read, else waits for the caller.
    func runNextTool(_ state: inout ConversationState, _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active else { return }
        guard !state.toolQueue.isEmpty else {
            state.activeTool = nil
            guard state.followUp else {
                armIdle(&state, now, &commands)
                return
            }
            state.followUp = false
            if state.toolRounds < settings(state).maxToolRounds {
                askModel(&state, &commands)
                armIdle(&state, now, &commands)
            } else {
                say(settings(state).fallbackReply, &state, now, &commands)
                armIdle(&state, now, &commands)
            }
            return
        }
        let next = state.toolQueue.removeFirst()
        switch next.call {
        case .transfer, .hold, .resume, .sendDTMF, .joinConference:
            state.activeTool = next
            armIdle(&state, now, &commands)
            commands.append(.emit(.action(next)))
        case .hangUp:
            let spoke = state.turns.last(where: { $0.speaker == .agent && $0.toolCalls.contains(next) })
                .map { !$0.text.isEmpty } ?? false
            state.turns.append(toolTurn(next, ok: true, detail: "hung up", now))
            end(.agentHungUp, goodbye: spoke ? nil : settings(state).goodbye, &state, now, &commands)
        case .collectDigits(let spec):
            state.activeTool = next
            let deadline = now + spec.timeout
            state.collection = DigitCollection(spec: spec, deadline: deadline)
            armIdle(&state, now, &commands)
            commands.append(.startTimer(Self.collectTimer, at: deadline, scope: Self.mainScope))
        case .http:
            guard let context = agentContext(state) else {
                toolFinished(next.id, ok: false, detail: "no agent for HTTP tools", &state, now, &commands)
                return
            }
            state.activeTool = next
            state.followUp = true
            armIdle(&state, now, &commands)
            commands.append(.runActivity(Self.toolActivity(next), .tool(context, next, privateDigits: state.privateDigits),
                                         settings(state).toolOptions, scope: Self.mainScope))
        }
    }

    /// A tool call came to an end: record it, apply what it changed, run the next one.
    func toolFinished(_ id: String, ok: Bool, detail: String, _ state: inout ConversationState,
                      _ now: WorkflowTime, _ commands: inout Commands) {
        guard state.phase == .active, let active = state.activeTool, active.id == id else { return }
        state.activeTool = nil
        state.turns.append(toolTurn(active, ok: ok, detail: detail, now))
        switch active.call {
        case .transfer where ok:
            end(.transferred, goodbye: nil, hangUp: false, &state, now, &commands)
            return
        case .transfer:
            // Never dead air: the caller is back with the agent, who says so at once.
            skipQueue(because: "the transfer failed", &state, now)
            state.followUp = false
            say(settings(state).transferFailedPrompt, &state, now, &commands)
            armIdle(&state, now, &commands)
            return
        case .hold where ok:
            state.onHold = true
        case .resume where ok:
            state.onHold = false
        case .joinConference(let room) where ok:
            state.room = room
        default:
            break
        }
        if !ok {
            // Later calls usually build on this one (a PIN, then the lookup it unlocks).
            skipQueue(because: "an earlier step (\(active.name)) failed", &state, now)
            state.followUp = true
        }
        runNextTool(&state, now, &commands)
    }

    /// Drops the queued calls, recording each as not run so every call has a result.
    private func skipQueue(because reason: String, _ state: inout ConversationState, _ now: WorkflowTime) {
        for skipped in state.toolQueue {
            state.turns.append(toolTurn(skipped, ok: false, detail: "not run: \(reason)", now))
        }
        state.toolQueue = []
    }

    func toolTurn(_ invocation: ToolInvocation, ok: Bool, detail: String, _ now: WorkflowTime) -> Turn {
        Turn(speaker: .tool, text: detail, at: now,
             toolResult: ToolResult(id: invocation.id, name: invocation.name, ok: ok, detail: detail))
    }
}
