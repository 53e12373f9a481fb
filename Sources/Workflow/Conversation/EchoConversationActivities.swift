/// A deterministic stand-in for the language model and the summary job: replies "You said: …"
/// and summarises by counting turns. The crash harness and tests use it; a scripted brain or a
/// real model replaces it in production.
public enum EchoConversationActivities {
    public static func run(_ activity: ConversationActivity, _ context: ActivityContext) async throws
    -> ConversationActivityOutput {
        switch activity {
        case .reply(let turns):
            let last = turns.last(where: { $0.speaker == .user })?.text ?? ""
            return .reply("You said: \(last)")
        case .summarize(let turns, let digits):
            let userTurns = turns.filter { $0.speaker == .user }.count
            let digitsPart = digits.isEmpty ? "" : "; digits \(digits)"
            return .summary("\(turns.count) turns, \(userTurns) from the caller\(digitsPart)")
        }
    }
}
