import ParleyConfig

/// Where a blind transfer sends its transferee, decided from the dialplan alone: the one answer
/// shared by a REFER, the control API's transfer and the agent's transfer tool (each then does
/// what its side needs: NOTIFYs, events, the agent's tool result). Pure: the caller looks up the
/// route, the agent catalog and the user directory and passes what it found.
enum TransferDestination: Equatable {
    /// Ring every registered phone of this user (for at most `ringSeconds`).
    case user(String, ringSeconds: Int)
    /// Dial `number` out on trunk `name`.
    case trunk(name: String, number: String)
    /// The transferee joins conference `room` at once.
    case conference(room: String, ParleyConfiguration.ConferenceSettings)
    /// The AI agent `name` answers the transferee (dialled as `number`).
    case agent(name: String, number: String)
    /// The transferee waits in parking slot `slot` (Switch+Park.swift).
    case park(slot: String, timeoutSeconds: Int)
    /// A service extension (echo, playback): not a transfer target.
    case service
    /// The dialplan refuses the number with this final status.
    case rejected(status: Int)
    /// Nothing answers to the number (no route, or a user the directory does not know).
    case unknown

    /// The destination for a dialled `number`: `route` is the dialplan's answer for it,
    /// `catalogAgent` the agent whose definition claims the number as its `extension` (only asked
    /// when the dialplan has no route), and `isUser` whether the directory knows a user.
    /// `maxRingSeconds` caps a user route's ring time (a transfer rings for less than a call).
    static func resolve(number: String, route: ParleyConfiguration.Route?, catalogAgent: String?,
                        isUser: (String) -> Bool, maxRingSeconds: Int) -> TransferDestination {
        switch route {
        case .user(let user, let timeout):
            return isUser(user) ? .user(user, ringSeconds: max(1, min(timeout, maxRingSeconds))) : .unknown
        case .trunk(let name, let out):
            return .trunk(name: name, number: out)
        case .conference(let room, let settings):
            return .conference(room: room, settings)
        case .agent(let name):
            return .agent(name: name, number: number)
        case .park(let slot, let timeout):
            return .park(slot: slot, timeoutSeconds: timeout)
        case .echo, .playback:
            return .service
        case .reject(let code):
            return .rejected(status: code)
        case nil:
            return catalogAgent.map { .agent(name: $0, number: number) } ?? .unknown
        }
    }
}
