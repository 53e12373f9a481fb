import Agent
import SIP
import Workflow

/// The switch's side of ``AgentCallActions`` for one call: the conversation's tool calls run on
/// the SIP thread against the very call the agent is in, in the order the session issues them,
/// and each returns only once the switch has carried it out (or found it impossible).
final class CallAgentActions: AgentCallActions, @unchecked Sendable {
    private weak var owner: Switch?
    private let handle: SIPHandle
    private let participant: AgentParticipant

    init(owner: Switch, call: Call, participant: AgentParticipant) {
        self.owner = owner
        handle = call.handle
        self.participant = participant
    }

    func speak(_ text: String, utteranceID: String) async -> SpeechOutcome {
        await participant.say(text)
    }

    func transfer(to target: String, mode: TransferMode) async throws {
        participant.interrupt()
        try await onCall { owner, call, done in owner.agentTransfer(call, to: target, mode: mode, done: done) }
    }

    func hold() async throws {
        participant.interrupt()
        try await onCall { owner, call, done in done(owner.agentHold(call, on: true)) }
    }

    func resume() async throws {
        try await onCall { owner, call, done in done(owner.agentHold(call, on: false)) }
    }

    func hangUp() async {
        try? await onCall { owner, call, done in
            owner.hangUp(call, reason: "agent hung up")
            done(nil)
        }
    }

    func sendDTMF(_ digits: String) async throws {
        try await onCall { owner, call, done in owner.agentSendDTMF(call, digits: digits, done: done) }
    }

    func joinConference(_ room: String) async throws {
        try await onCall { owner, call, done in done(owner.agentJoinConference(call, room: room)) }
    }

    func report(_ toolCall: ToolCallReport) {
        participant.report(toolCall)
    }

    func report(_ notice: ConversationNotice) {
        participant.report(notice)
    }

    /// Runs `work` on the SIP thread with the live call; `work` calls `done` exactly once.
    private func onCall(_ work: @escaping @Sendable (Switch, Call, @escaping (AgentCallError?) -> Void) -> Void) async throws {
        guard let owner else { throw AgentCallError.callGone }
        let handle = handle
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            owner.sip.perform { [weak owner] in
                guard let owner, let call = owner.calls[handle], call.isUp, call.agent != nil else {
                    continuation.resume(throwing: AgentCallError.callGone)
                    return
                }
                var settled = false
                let logger = call.logger
                work(owner, call) { error in
                    guard !settled else { return }
                    settled = true
                    if let error {
                        logger.info("agent's call action failed", metadata: ["reason": "\(error)"])
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume()
                    }
                }
            }
        }
    }
}
