import Foundation

/// A SIP trunk and its registration (`GET /trunks`).
public struct TrunkInfo: Codable, Sendable, Equatable {
    public var name: String
    public var state: TrunkStatus
    /// The registrar or proxy in use ("sip:sip.provider.example").
    public var registrar: String?
    /// When the current registration runs out.
    public var expiresAt: Date?
    /// Why the last attempt failed ("403 Forbidden", "timeout").
    public var lastError: String?
    public var activeCalls: Int

    public init(name: String, state: TrunkStatus, registrar: String? = nil, expiresAt: Date? = nil,
                lastError: String? = nil, activeCalls: Int = 0) {
        self.name = name
        self.state = state
        self.registrar = registrar
        self.expiresAt = expiresAt
        self.lastError = lastError
        self.activeCalls = activeCalls
    }
}

public enum TrunkStatus: String, Codable, Sendable, Equatable, CaseIterable {
    /// A trunk that does not register (IP-authenticated): always usable.
    case unregistered
    case registering
    case registered
    /// The last attempt failed; the trunk retries.
    case failed
    case disabled
}
