import Foundation

/// Where the control API listens and who may use it (`control:` in `conf/parley.yaml`).
public struct ControlConfiguration: Sendable, Equatable {
    /// The address to bind; loopback by default, so nothing outside the machine can reach it.
    public var host: String
    /// The TCP port; 0 picks a free one (tests).
    public var port: Int
    /// Clients must send `Authorization: Bearer <token>` (or `?access_token=` where headers
    /// cannot be set, as with the browser's EventSource). Nil: no authentication, which is only
    /// allowed on a loopback address.
    public var token: String?
    /// Largest request body accepted, in bytes.
    public var maximumBodySize: Int
    /// Seconds between SSE keep-alive comments on an idle event stream.
    public var heartbeatSeconds: Int

    public static let defaultPort = 8089

    public init(host: String = "127.0.0.1", port: Int = ControlConfiguration.defaultPort, token: String? = nil,
                maximumBodySize: Int = 1 << 20, heartbeatSeconds: Int = 15) {
        self.host = host
        self.port = port
        self.token = token
        self.maximumBodySize = maximumBodySize
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// True for 127.0.0.0/8, ::1 and "localhost".
    public var isLoopback: Bool {
        Self.isLoopback(host)
    }

    public static func isLoopback(_ host: String) -> Bool {
        let trimmed = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if trimmed == "localhost" || trimmed == "::1" || trimmed == "0:0:0:0:0:0:0:1" { return true }
        let octets = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// Refuses settings that would expose the API: a non-loopback address without a token, an
    /// empty token, a port out of range.
    public func validated() throws(ControlServerError) -> ControlConfiguration {
        guard (0...65_535).contains(port) else { throw .invalidPort(port) }
        if let token, token.trimmingCharacters(in: .whitespaces).isEmpty { throw .emptyToken }
        if token == nil && !isLoopback { throw .tokenRequired(host: host) }
        guard maximumBodySize > 0, heartbeatSeconds > 0 else {
            throw .invalidSetting("maximumBodySize and heartbeatSeconds must be positive")
        }
        return self
    }
}
