/// Typed signals, updates and queries for ``ConversationWorkflow``.
public enum Conversation {
    /// A transcript from speech recognition.
    public enum Transcript: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: (text: String, isFinal: Bool)) -> ConversationSignal {
            .transcript(input.text, isFinal: input.isFinal)
        }
    }

    /// A DTMF digit (0-9, *, #, A-D).
    public enum Digit: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: String) -> ConversationSignal { .dtmf(input) }
    }

    /// The caller hung up.
    public enum HungUp: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: Void) -> ConversationSignal { .hangUp }
    }

    /// The caller spoke over the agent and heard only `heard` of its last line.
    public enum BargeIn: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: String) -> ConversationSignal { .bargeIn(heard: input) }
    }

    /// How a call action the agent asked for went.
    public enum ActionResult: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: (id: String, ok: Bool, detail: String)) -> ConversationSignal {
            .toolResult(id: input.id, ok: input.ok, detail: input.detail)
        }
    }

    /// The agent was placed in a conference room (nil: it left).
    public enum Conference: SignalDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func signal(_ input: String?) -> ConversationSignal { .conference(room: input) }
    }

    /// Make the agent say a line; answers with the turn number.
    public enum Say: UpdateDefinition {
        public typealias Workflow = ConversationWorkflow
        public static let maximumLength = 2_000

        public static func validate(_ input: String, state: ConversationState) throws(UpdateRejection) {
            guard state.phase == .active else { throw UpdateRejection("conversation is not active") }
            guard input.contains(where: { !$0.isWhitespace }) else { throw UpdateRejection("nothing to say") }
            guard input.utf8.count <= maximumLength else {
                throw UpdateRejection("line longer than \(maximumLength) bytes")
            }
        }

        public static func update(_ input: String) -> ConversationUpdate { .say(input) }

        public static func output(from reply: ConversationReply) -> Int? {
            if case .said(let turn) = reply { return turn }
            return nil
        }
    }

    /// Transfer the call; the conversation then ends and writes its summary.
    public enum Transfer: UpdateDefinition {
        public typealias Workflow = ConversationWorkflow

        public static func validate(_ input: String, state: ConversationState) throws(UpdateRejection) {
            guard state.phase == .active else { throw UpdateRejection("conversation is not active") }
            guard !input.isEmpty, !input.contains(where: \.isWhitespace) else {
                throw UpdateRejection("invalid transfer target \"\(input)\"")
            }
        }

        public static func update(_ input: String) -> ConversationUpdate { .transfer(input) }

        public static func output(from reply: ConversationReply) -> String? {
            if case .transferring(let target) = reply { return target }
            return nil
        }
    }

    /// Ask the agent a question; answers with its spoken reply once the model produced it.
    public enum Ask: UpdateDefinition {
        public typealias Workflow = ConversationWorkflow

        public static func validate(_ input: String, state: ConversationState) throws(UpdateRejection) {
            guard state.phase == .active else { throw UpdateRejection("conversation is not active") }
            guard input.contains(where: { !$0.isWhitespace }) else { throw UpdateRejection("empty question") }
        }

        public static func update(_ input: String) -> ConversationUpdate { .ask(input) }

        public static func output(from reply: ConversationReply) -> String? {
            if case .answered(let text) = reply { return text }
            return nil
        }
    }

    /// The transcript so far.
    public enum Turns: QueryDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func answer(_ input: Void, state: ConversationState) -> [Turn] { state.turns }
    }

    /// The DTMF digits collected so far.
    public enum Digits: QueryDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func answer(_ input: Void, state: ConversationState) -> String { state.digits }
    }

    /// The call action the conversation is waiting on, if any. A host that re-attaches to a
    /// recovered conversation carries it out again (effects are not replayed).
    public enum PendingAction: QueryDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func answer(_ input: Void, state: ConversationState) -> ToolInvocation? {
            guard let active = state.activeTool, active.call.isCallAction else { return nil }
            return active
        }
    }

    /// The phase and, once ending, why.
    public enum Status: QueryDefinition {
        public typealias Workflow = ConversationWorkflow
        public static func answer(_ input: Void, state: ConversationState) -> (ConversationPhase, EndReason?) {
            (state.phase, state.endReason)
        }
    }
}
