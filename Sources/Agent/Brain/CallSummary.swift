import Workflow

/// A deterministic end-of-call summary from the transcript alone: who called, how many times
/// they spoke, what they asked first and last, which tools ran and how they went.
enum CallSummary {
    static func extractive(_ request: BrainRequest) -> String {
        let userTurns = request.turns.filter { $0.speaker == .user && !$0.isDTMF }
        var parts: [String] = []
        let caller = request.call.caller.isEmpty ? "The caller" : "Caller \(request.call.caller)"
        parts.append("\(caller) spoke \(userTurns.count) time\(userTurns.count == 1 ? "" : "s") with \(request.definition.name).")
        if let first = userTurns.first {
            parts.append("First request: \"\(first.text)\".")
        }
        if userTurns.count > 1, let last = userTurns.last {
            parts.append("Last words: \"\(last.text)\".")
        }
        let results = request.turns.compactMap(\.toolResult)
        if !results.isEmpty {
            let listed = results.map { "\($0.name) (\($0.ok ? "ok" : "failed"))" }.joined(separator: ", ")
            parts.append("Tools: \(listed).")
        }
        return parts.joined(separator: " ")
    }
}
