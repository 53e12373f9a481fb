import Foundation

/// Where one trunk's registration stands, as logs and the API show it.
///
/// A refresh in flight does not leave ``registered(until:)``: the binding is still in place on
/// the registrar until that time. ``failed(reason:retryAt:)`` says why the last attempt failed
/// and when the next one is planned.
public enum TrunkState: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Never started.
    case unregistered
    /// A REGISTER is on its way and no binding is known to be in place.
    case registering
    /// The registrar holds our binding until this time; the refresh happens before it.
    case registered(until: Date)
    /// The last attempt failed; the next one is planned for `retryAt`.
    case failed(reason: TrunkFailure, retryAt: Date)
    /// Stopping: a REGISTER with Expires: 0 is on its way.
    case unregistering
    /// Stopped on request; nothing more is sent until the next start.
    case stopped

    /// Whether the machine is working towards (or keeping) a registration.
    public var isActive: Bool {
        switch self {
        case .registering, .registered, .failed: return true
        case .unregistered, .unregistering, .stopped: return false
        }
    }

    public var description: String {
        switch self {
        case .unregistered: return "unregistered"
        case .registering: return "registering"
        case .registered(let until): return "registered until \(TrunkStatus.timestamp(until))"
        case .failed(let reason, let retryAt): return "failed (\(reason)), retry at \(TrunkStatus.timestamp(retryAt))"
        case .unregistering: return "unregistering"
        case .stopped: return "stopped"
        }
    }
}

/// Why a registration attempt failed.
public enum TrunkFailure: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The registrar refused our credentials: a final 401 or 407 (Sofia already answered the
    /// challenge, so the credentials were wrong) or a 403.
    case authentication(status: Int, phrase: String)
    /// Any other final non-2xx response.
    case rejected(status: Int, phrase: String)
    /// No final response in time (the transaction timed out, or the machine's own guard did).
    case noResponse
    /// The transport failed (no route, connection refused, DNS).
    case transport(String)
    /// The registrar's answer made no sense: a 423 without a usable Min-Expires, or a 2xx that
    /// granted no time.
    case protocolViolation(String)

    /// Whether this failure is about credentials (the long back-off applies).
    public var isAuthentication: Bool {
        if case .authentication = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .authentication(let status, let phrase): return "authentication failed: \(status) \(phrase)"
        case .rejected(let status, let phrase): return "rejected: \(status) \(phrase)"
        case .noResponse: return "no response"
        case .transport(let text): return "transport error: \(text)"
        case .protocolViolation(let text): return "protocol violation: \(text)"
        }
    }
}
