/// Which of a call's dialogs a call-control request is for. A call is named by the Call-ID of its
/// inbound leg (the INVITE Parley answered); `caller` is that leg, `callee` the leg it is bridged
/// with (the leg Parley placed, or after a transfer the other inbound leg in its room).
public enum CallLegSide: String, Sendable, CaseIterable {
    case caller, callee
}

/// Why the switch could not carry out a call-control request.
public enum CallControlError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No call in progress has this Call-ID.
    case unknownCall(String)
    /// The call has no such leg (a callee side that is still ringing or already gone).
    case noSuchLeg(callID: String, side: CallLegSide)
    /// The leg's state does not allow it (not answered yet, already held, not held, a re-INVITE
    /// still in flight).
    case wrongState(String)
    /// The far end refused our re-INVITE (final status), or kept answering 491 to every retry.
    case rejected(status: Int)
    /// The call ended before the request completed.
    case callEnded
    /// The switch is shutting down.
    case shuttingDown
    /// The dialplan (or the agent catalog) knows no such target.
    case unknownTarget(String)
    /// The target exists but cannot be reached now (a user with no registered phone: 480).
    case unreachable(target: String, status: Int)
    /// No room has this id.
    case unknownRoom(String)
    /// The room has no such member.
    case unknownMember(room: String, member: String)
    /// No sound file has this name.
    case unknownSound(String)
    /// The request is understood but this switch cannot do it (yet).
    case notSupported(String)
    /// An argument is unusable (an empty target, a bad digit).
    case invalid(String)

    public var description: String {
        switch self {
        case .unknownCall(let id): "no call with Call-ID \(id)"
        case .noSuchLeg(let id, let side): "call \(id) has no \(side.rawValue) leg"
        case .wrongState(let reason): reason
        case .rejected(let status): "the far end answered \(status)"
        case .callEnded: "the call ended"
        case .shuttingDown: "the switch is shutting down"
        case .unknownTarget(let target): "nothing answers to \(target)"
        case .unreachable(let target, let status): "\(target) cannot be reached (\(status))"
        case .unknownRoom(let room): "no room \(room)"
        case .unknownMember(let room, let member): "room \(room) has no member \(member)"
        case .unknownSound(let name): "no sound named \(name)"
        case .notSupported(let what): what
        case .invalid(let reason): reason
        }
    }
}
