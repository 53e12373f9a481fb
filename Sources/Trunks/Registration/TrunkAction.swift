import Foundation

/// What a timer of a ``TrunkRegistration`` is for.
public enum TrunkTimerKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refresh a registration before it expires.
    case refresh
    /// Try again after a failure.
    case retry
    /// Give up waiting for the answer to the request in flight.
    case responseGuard
    /// Try the primary registrar again after a successful period on the secondary.
    case returnToPrimary
}

/// One timer the machine asked for. A fired timer whose id is no longer armed (it was cancelled
/// or replaced) is ignored, so the shell need not worry about races between cancel and fire.
public struct TrunkTimerID: Hashable, Sendable, CustomStringConvertible {
    public let kind: TrunkTimerKind
    public let sequence: UInt64

    public init(kind: TrunkTimerKind, sequence: UInt64) {
        self.kind = kind
        self.sequence = sequence
    }

    public var description: String { "\(kind.rawValue)#\(sequence)" }
}

/// A REGISTER to send: to `registrar`, asking for `expires` seconds (0 removes the binding).
public struct TrunkRegisterRequest: Sendable, Equatable {
    public var id: RegisterRequestID
    /// The registrar's SIP URI, e.g. `sip:sip.example.net` (the Request-URI).
    public var registrar: String
    /// The Expires value to send, in seconds.
    public var expires: Int

    public init(id: RegisterRequestID, registrar: String, expires: Int) {
        self.id = id
        self.registrar = registrar
        self.expires = expires
    }
}

/// What the I/O shell must do after a ``TrunkRegistration/handle(_:now:)``, in order.
public enum TrunkAction: Sendable, Equatable {
    /// Send a REGISTER (and report its outcome with the request's id).
    case sendRegister(TrunkRegisterRequest)
    /// Send a REGISTER with Expires: 0 for our contact (RFC 3261 §10.2.2).
    case sendUnregister(TrunkRegisterRequest)
    /// Arm a one-shot timer; report it with ``TrunkEvent/timerFired(_:)``.
    case startTimer(TrunkTimerID, after: Duration)
    /// Disarm a timer started earlier.
    case cancelTimer(TrunkTimerID)
    /// The public state changed (log it, publish it).
    case stateChanged(TrunkState)
}
