import Foundation

/// What the switch notes about a call for the control plane: wall-clock times, where it came
/// from, what the API changed on it (member settings, a recording), and whether its end was
/// reported. SIP thread only.
final class CallLedger {
    let startedAt: Date
    var answeredAt: Date?
    /// Placed by Parley (``Switch/originate(_:)``): its "caller" leg is the party Parley rang.
    var originated = false
    /// What an originated call rang (its `from` in snapshots) and connects to (its `to`).
    var originatedFrom: String?
    var originatedTo: String?
    /// The trunk an originated call rang its number through.
    var originatedTrunk: String?
    /// The trunk an inbound call arrived on.
    var inboundTrunk: String?
    /// A recording of the call's room started through the API.
    var recordingPath: String?
    var recordingStartedAt: Date?
    /// Mute, deaf and volume set through the API, by room member id.
    var members: [UInt64: MemberSettings] = [:]
    /// Codecs of legs that left the call (a transferor), so the record keeps them.
    var formerCodecs: [String] = []
    /// The call's end was reported (once).
    var reported = false

    init(startedAt: Date = Date()) {
        self.startedAt = startedAt
    }

    struct MemberSettings: Equatable {
        var muted = false
        var deaf = false
        var volume = 0
    }
}

/// How an unanswered call's end reads in a record: the outcome from the reason the switch noted
/// and the best status its forks got. Pure, so it is tested on its own.
enum CallOutcome {
    static func disposition(answered: Bool, reason: String, bestFailure: Int) -> CallEndReport.Disposition {
        if answered { return .answered }
        switch reason {
        case "cancelled by caller": return .cancelled
        case "no answer": return .noAnswer
        case "callee offline": return .failed
        default: break
        }
        if reason.hasPrefix("callee refused") { return .unanswered(status: bestFailure) }
        if let status = statusInParentheses(reason) { return .unanswered(status: status) }
        return .failed
    }

    /// 486 from "callee refused (486)".
    static func statusInParentheses(_ text: String) -> Int? {
        guard let open = text.lastIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else { return nil }
        return Int(text[text.index(after: open)..<close])
    }
}
