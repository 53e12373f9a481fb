import Foundation

extension ParleyConfiguration {
    /// Brute-force protection for digest authentication (`security:`): a source address that fails
    /// `authFailuresBeforeBlock` times within `authFailureWindowSeconds` is refused for
    /// `blockSeconds`. Addresses in `trusted` are never blocked.
    public struct Security: Sendable, Equatable {
        public var authFailuresBeforeBlock: Int
        public var authFailureWindowSeconds: Int
        public var blockSeconds: Int
        public var trusted: [IPNetwork]
        /// Digest algorithms challenged with, in order (RFC 8760: MD5 first, SHA-256 alongside).
        /// Some phones (baresip 1.0) fail on any algorithm they lack instead of picking one: use [MD5].
        public var digestAlgorithms: [String] = ["MD5", "SHA-256"]

        public init(authFailuresBeforeBlock: Int = 20, authFailureWindowSeconds: Int = 60, blockSeconds: Int = 600,
                    trusted: [IPNetwork] = []) {
            self.authFailuresBeforeBlock = authFailuresBeforeBlock
            self.authFailureWindowSeconds = authFailureWindowSeconds
            self.blockSeconds = blockSeconds
            self.trusted = trusted
        }

        /// Whether failures from `address` are never counted against it.
        public func isTrusted(_ address: String) -> Bool {
            trusted.contains { $0.contains(address) }
        }
    }

    static func readSecurity(_ n: ConfigNode) throws(ConfigError) -> Security {
        let m = try n.mapping(allowed: ["auth_failures_before_block", "auth_failure_window_s", "block_s", "trusted",
                                        "digest_algorithms"])
        var security = Security()
        if let v = m["auth_failures_before_block"] { security.authFailuresBeforeBlock = try v.int(in: 1...100_000) }
        if let v = m["auth_failure_window_s"] { security.authFailureWindowSeconds = try v.int(in: 1...86_400) }
        if let v = m["block_s"] { security.blockSeconds = try v.int(in: 1...604_800) }
        if let v = m["trusted"] { security.trusted = try v.networkList() }
        if let v = m["digest_algorithms"] {
            let list = try v.stringList()
            guard !list.isEmpty else { throw v.error("name at least one digest algorithm") }
            for name in list where !["MD5", "SHA-256"].contains(name.uppercased()) {
                throw v.error("unsupported digest algorithm '\(name)' (supported: MD5, SHA-256)")
            }
            security.digestAlgorithms = list.map { $0.uppercased() }
        }
        return security
    }
}
