/// What RFC 3891 §3 says to do with an INVITE whose Replaces header matched one of our dialogs.
/// Pure: the caller finds the dialog and carries the decision out.
enum ReplacesDecision: Equatable, Sendable {
    /// Accept the new INVITE and end the replaced dialog with BYE (confirmed) or CANCEL (an
    /// early dialog this UA initiated: call pickup).
    case replace(ending: Ending)
    /// Refuse the new INVITE with this status and leave the matched dialog alone.
    case reject(status: Int)

    enum Ending: Equatable, Sendable { case bye, cancel }

    /// Where the matched dialog is in its life.
    enum DialogState: Equatable, Sendable { case early, confirmed, terminated }

    /// Our side of the matched dialog: UAC when we sent its INVITE.
    enum Role: Equatable, Sendable { case uac, uas }

    static func decide(state: DialogState, role: Role, earlyOnly: Bool) -> ReplacesDecision {
        switch state {
        case .terminated:
            // "SHOULD decline the request with a 603 Declined response".
            return .reject(status: 603)
        case .confirmed:
            // early-only: the sender wanted a ringing dialog, not an answered one.
            return earlyOnly ? .reject(status: 486) : .replace(ending: .bye)
        case .early:
            // An early dialog we initiated is picked up (we CANCEL our INVITE); one we are
            // answering cannot be replaced: 481, and the matched dialog stays as it is.
            return role == .uac ? .replace(ending: .cancel) : .reject(status: 481)
        }
    }
}
