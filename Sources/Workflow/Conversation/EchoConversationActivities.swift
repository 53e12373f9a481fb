/// A deterministic stand-in for the language model and the end-of-call jobs: replies "You
/// said: …" and summarises by counting turns. The crash harness and tests use it; the Agent
/// module's brains and tools replace it in production.
public enum EchoConversationActivities {
    public static func run(_ activity: ConversationActivity, _ context: ActivityContext) async throws
    -> ConversationActivityOutput {
        switch activity {
        case .reply(let turns):
            return .reply("You said: \(lastUserLine(turns))")
        case .agentReply(_, let turns):
            return .agentReply(text: "You said: \(lastUserLine(turns))", calls: [])
        case .summarize(let turns, let digits):
            let userTurns = turns.filter { $0.speaker == .user }.count
            let digitsPart = digits.isEmpty ? "" : "; digits \(digits)"
            return .summary("\(turns.count) turns, \(userTurns) from the caller\(digitsPart)")
        case .agentSummary(_, let turns):
            let userTurns = turns.filter { $0.speaker == .user }.count
            return .summary("\(turns.count) turns, \(userTurns) from the caller")
        case .tool(_, let invocation, _):
            return .toolOutput("\(invocation.name) done")
        case .webhook:
            return .delivered(status: 200)
        }
    }

    private static func lastUserLine(_ turns: [Turn]) -> String {
        turns.last(where: { $0.speaker == .user })?.text ?? ""
    }
}
