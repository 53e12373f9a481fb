import Foundation

/// A snapshot of one trunk's registration for logs and the API.
public struct TrunkStatus: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The public state.
    public var state: TrunkState
    /// The registrar attempts currently go to.
    public var registrar: String
    /// Whether that is the secondary registrar.
    public var usingSecondary: Bool
    /// The status code of the last final response (nil after a timeout or transport error).
    public var lastStatusCode: Int?
    /// The reason phrase of the last final response, or what went wrong without one.
    public var lastReason: String?
    /// When the next REGISTER is planned (refresh or retry); nil while one is in flight or
    /// when stopped.
    public var nextAttempt: Date?
    /// Failed attempts since the last success.
    public var consecutiveFailures: Int
    /// Until when the last successful registration holds (may lie in the past).
    public var registeredUntil: Date?
    /// The most recent failure, kept after later successes for the record.
    public var lastFailure: TrunkFailure?

    public init(state: TrunkState, registrar: String, usingSecondary: Bool = false, lastStatusCode: Int? = nil,
                lastReason: String? = nil, nextAttempt: Date? = nil, consecutiveFailures: Int = 0,
                registeredUntil: Date? = nil, lastFailure: TrunkFailure? = nil) {
        self.state = state
        self.registrar = registrar
        self.usingSecondary = usingSecondary
        self.lastStatusCode = lastStatusCode
        self.lastReason = lastReason
        self.nextAttempt = nextAttempt
        self.consecutiveFailures = consecutiveFailures
        self.registeredUntil = registeredUntil
        self.lastFailure = lastFailure
    }

    /// Whether a binding is known to be in place on the registrar at `now`.
    public func isRegistered(at now: Date) -> Bool {
        guard let registeredUntil else { return false }
        return now < registeredUntil
    }

    public var description: String {
        var parts = ["\(state)", "via \(registrar)\(usingSecondary ? " (secondary)" : "")"]
        if let lastStatusCode { parts.append("last \(lastStatusCode) \(lastReason ?? "")") }
        else if let lastReason { parts.append("last \(lastReason)") }
        if consecutiveFailures > 0 { parts.append("\(consecutiveFailures) consecutive failure(s)") }
        if let nextAttempt { parts.append("next attempt \(Self.timestamp(nextAttempt))") }
        return parts.joined(separator: ", ")
    }

    /// An ISO 8601 UTC time with milliseconds, for logs.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
