import Foundation

extension ParleyConfiguration {
    /// The control plane (`control:`): the HTTP API, the live event stream, the web page and
    /// `/metrics`, served by `parley run`. Loopback without a token by default; any other address
    /// needs a bearer token, given in the file (`token`) or, better, named by an environment
    /// variable (`token_env`), read when the file is loaded.
    public struct Control: Sendable, Equatable {
        public static let defaultPort = 8089

        /// Whether `parley run` serves the API at all.
        public var enabled: Bool
        /// The address to bind: an IP address or `localhost`.
        public var listen: String
        /// TCP port; 0 lets the system pick a free one (the log line names it).
        public var port: Int
        /// The bearer token clients must send; nil: none (loopback only).
        public var token: String?
        /// The environment variable the token came from, for messages (never the token itself).
        public var tokenEnvironmentVariable: String?

        public init(enabled: Bool = true, listen: String = "127.0.0.1", port: Int = Control.defaultPort,
                    token: String? = nil, tokenEnvironmentVariable: String? = nil) {
            self.enabled = enabled
            self.listen = listen
            self.port = port
            self.token = token
            self.tokenEnvironmentVariable = tokenEnvironmentVariable
        }

        /// True when only this machine can reach the API.
        public var isLoopback: Bool {
            listen.lowercased() == "localhost" || IPNetwork.isLoopback(listen)
        }
    }

    /// `control:`. `environment` supplies `token_env` (the process environment by default).
    static func readControl(_ n: ConfigNode, environment: [String: String]) throws(ConfigError) -> Control {
        let m = try n.mapping(allowed: ["enabled", "listen", "port", "token", "token_env"])
        var control = Control()
        if let v = m["enabled"] { control.enabled = try v.bool() }
        if let v = m["listen"] {
            control.listen = try v.nonEmptyString()
            guard control.listen.lowercased() == "localhost" || isIPAddress(control.listen) else {
                throw v.error("'\(control.listen)' is not an IPv4 or IPv6 address (or localhost)")
            }
        }
        if let v = m["port"] { control.port = try v.int(in: 0...65_535) }
        if m["token"] != nil, m["token_env"] != nil {
            throw (m["token_env"] ?? n).error("give either token or token_env, not both")
        }
        if let v = m["token"] {
            let token = try v.nonEmptyString()
            guard token.count >= 16 else { throw v.error("the token must be at least 16 characters long") }
            guard !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw v.error("the token must not contain spaces")
            }
            control.token = token
        }
        if let v = m["token_env"] {
            let name = try v.nonEmptyString()
            guard let token = environment[name], !token.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw v.error("the environment variable \(name) is not set (or empty)")
            }
            guard token.count >= 16, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw v.error("the token in \(name) must be at least 16 characters long, without spaces")
            }
            control.token = token
            control.tokenEnvironmentVariable = name
        }
        if control.enabled, control.token == nil, !control.isLoopback {
            throw (m["listen"] ?? n).error(
                "listening on \(control.listen), which is not a loopback address, needs a token " +
                    "(token_env: NAME of an environment variable holding it, or token: ...)")
        }
        return control
    }
}
