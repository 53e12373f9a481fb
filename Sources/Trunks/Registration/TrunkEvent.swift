import Foundation

/// Identifies one REGISTER sent by a ``TrunkRegistration``, so a late answer to an abandoned
/// request is recognised and ignored.
public struct RegisterRequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "register#\(rawValue)" }
}

/// The final answer to a REGISTER, as the SIP layer reports it (after Sofia has answered any
/// digest challenge itself).
public struct RegisterResponse: Sendable, Equatable {
    /// The request this answers (from ``TrunkAction/sendRegister(_:)``).
    public var requestID: RegisterRequestID
    /// The status code; provisional (1xx) answers are ignored.
    public var status: Int
    /// The reason phrase.
    public var phrase: String
    /// The seconds granted: the `expires` parameter of our Contact in the 2xx, else its Expires
    /// header (RFC 3261 §10.2.4). Nil means "as requested".
    public var expires: Int?
    /// Retry-After in seconds (RFC 3261 §20.33), if present.
    public var retryAfter: Int?
    /// Min-Expires in seconds from a 423 (RFC 3261 §20.23), if present.
    public var minExpires: Int?

    public init(requestID: RegisterRequestID, status: Int, phrase: String = "", expires: Int? = nil,
                retryAfter: Int? = nil, minExpires: Int? = nil) {
        self.requestID = requestID
        self.status = status
        self.phrase = phrase
        self.expires = expires
        self.retryAfter = retryAfter
        self.minExpires = minExpires
    }
}

/// Everything that can happen to a trunk registration.
public enum TrunkEvent: Sendable, Equatable {
    /// Begin registering (on the primary registrar).
    case start
    /// Unregister (Expires: 0) and stop.
    case stop
    /// A timer the machine asked for (``TrunkAction/startTimer(_:after:)``) has fired.
    case timerFired(TrunkTimerID)
    /// A final response to one of our REGISTERs.
    case response(RegisterResponse)
    /// The request could not be sent or the transport failed.
    case transportError(requestID: RegisterRequestID, description: String)
    /// The request's transaction timed out without a final response.
    case timedOut(requestID: RegisterRequestID)
    /// The local network changed (address, interface): bindings may be stale, register again.
    case networkChanged
}
