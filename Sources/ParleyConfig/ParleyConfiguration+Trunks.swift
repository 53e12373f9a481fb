import Foundation

extension ParleyConfiguration {
    /// A connection to a SIP provider or another PBX that carries calls in and out (`trunks:`).
    /// Either it registers to `registrar` with a username and password, or the far end is trusted by
    /// its source address (`ip_auth`), or both.
    public struct Trunk: Sendable, Equatable, CustomStringConvertible {
        public enum Transport: String, Sendable, Equatable, CaseIterable {
            case udp, tcp
        }

        /// How Parley transfers a party it reaches through this trunk (`transfer:`).
        public enum TransferMethod: String, Sendable, Equatable, CaseIterable {
            /// Parley rings the target itself and stays in the media path (the default).
            case bridge
            /// Parley asks the provider with REFER to connect the party elsewhere (when the
            /// dialog allows REFER and the target is a number on this trunk), then leaves the
            /// call; a refused REFER falls back to `bridge`.
            case refer
        }

        /// Where the dialled number (DID) of an incoming call is read from.
        public enum DIDSource: Sendable, Equatable {
            /// The Request-URI's user part (the usual case).
            case requestURI
            /// The To header's URI user part.
            case to
            /// The user part of the URI in this header (e.g. `P-Called-Party-ID`, RFC 3455 §4.2).
            case header(String)
        }

        /// A SIP server as `host[:port]`; no port means DNS SRV or 5060 (RFC 3263).
        public struct Server: Sendable, Equatable, CustomStringConvertible {
            /// A host name or an IP address (IPv6 without brackets).
            public var host: String
            public var port: Int?

            public init(host: String, port: Int? = nil) {
                self.host = host
                self.port = port
            }

            /// `sip:host[:port]`, with IPv6 in brackets.
            public var description: String {
                let h = host.contains(":") ? "[\(host)]" : host
                return "sip:\(h)\(port.map { ":\($0)" } ?? "")"
            }
        }

        /// Names the trunk in the dialplan, `inbound` and logs.
        public var name: String
        /// Where REGISTER and outgoing calls go. Nil for a trunk that only receives (`ip_auth`).
        public var registrar: Server?
        /// Used when `registrar` does not answer.
        public var secondaryRegistrar: Server?
        public var username: String?
        public var password: String?
        /// Digest username when it differs from `username` (the user part of our AOR).
        public var authUsername: String?
        /// The realm we expect in challenges; nil answers any.
        public var realm: String?
        /// Registration lifetime we ask for.
        public var expiresSeconds: Int
        /// Whether Parley keeps a registration at `registrar`.
        public var register: Bool
        /// Source addresses whose requests are accepted as this trunk's without a challenge.
        public var ipAuth: [IPNetwork]
        public var didSource: DIDSource
        /// The number we present on outgoing calls (From user part); nil presents the caller's.
        public var callerID: String?
        /// Codec preference on this trunk; nil uses `rtp.codecs`.
        public var codecs: [String]?
        /// SRTP policy on this trunk; nil uses `rtp.srtp`.
        public var srtp: SRTPPolicy?
        public var transport: Transport
        /// How a party on this trunk is transferred (``TransferMethod``).
        public var transfer: TransferMethod = .bridge
        /// With `transfer: refer`: how long the provider has, after Parley's REFER, to report the
        /// outcome in a NOTIFY before Parley transfers the party itself (`refer_timeout_s`).
        public var referTimeoutSeconds = ParleyConfiguration.Trunk.defaultReferTimeoutSeconds
        /// 40 s: a target's ring time (30 s) plus the provider's own setup.
        public static let defaultReferTimeoutSeconds = 40
        /// The accepted `refer_timeout_s` values.
        public static let referTimeoutRange = 1...300
        public var line: Int?

        public init(name: String, registrar: Server? = nil, secondaryRegistrar: Server? = nil,
                    username: String? = nil, password: String? = nil, authUsername: String? = nil,
                    realm: String? = nil, expiresSeconds: Int = 3600, register: Bool = false,
                    ipAuth: [IPNetwork] = [], didSource: DIDSource = .requestURI, callerID: String? = nil,
                    codecs: [String]? = nil, srtp: SRTPPolicy? = nil, transport: Transport = .udp, line: Int? = nil) {
            self.name = name
            self.registrar = registrar
            self.secondaryRegistrar = secondaryRegistrar
            self.username = username
            self.password = password
            self.authUsername = authUsername
            self.realm = realm
            self.expiresSeconds = expiresSeconds
            self.register = register
            self.ipAuth = ipAuth
            self.didSource = didSource
            self.callerID = callerID
            self.codecs = codecs
            self.srtp = srtp
            self.transport = transport
            self.line = line
        }

        /// Whether a request from `address` is this trunk's by `ip_auth`.
        public func acceptsSource(_ address: String) -> Bool {
            ipAuth.contains { $0.contains(address) }
        }

        /// Whether calls can be sent out on this trunk (it has somewhere to send them).
        public var canSendCalls: Bool { registrar != nil }

        /// Never prints the password.
        public var description: String {
            "Trunk(\(name), registrar: \(registrar?.description ?? "none"), register: \(register), password: <redacted>)"
        }
    }

    static let trunkKeys: Set<String> = [
        "name", "registrar", "secondary_registrar", "username", "password", "auth_username", "realm", "expires",
        "register", "ip_auth", "did_source", "caller_id", "codecs", "srtp", "transport", "transfer",
        "refer_timeout_s",
    ]

    static func readTrunks(_ n: ConfigNode) throws(ConfigError) -> [Trunk] {
        var result: [Trunk] = []
        for item in try n.sequence() {
            result.append(try readTrunk(item, after: result))
        }
        return result
    }

    private static func readTrunk(_ item: ConfigNode, after earlier: [Trunk]) throws(ConfigError) -> Trunk {
        let m = try item.mapping(allowed: trunkKeys)
        guard let nameNode = m["name"] else { throw item.error("a trunk needs 'name'") }
        let name = try nameNode.nonEmptyString()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw nameNode.error("trunk name '\(name)' may hold only letters, digits, '-', '_' and '.'")
        }
        guard !earlier.contains(where: { $0.name == name }) else { throw nameNode.error("trunk '\(name)' is defined twice") }
        var trunk = Trunk(name: name, line: item.line)
        if let v = m["registrar"] { trunk.registrar = try server(v) }
        if let v = m["secondary_registrar"] {
            guard trunk.registrar != nil else { throw v.error("trunk '\(name)': secondary_registrar needs a registrar") }
            trunk.secondaryRegistrar = try server(v)
            if trunk.secondaryRegistrar == trunk.registrar { throw v.error("trunk '\(name)': secondary_registrar is the registrar itself") }
        }
        if let v = m["ip_auth"] {
            trunk.ipAuth = try v.networkList()
            guard !trunk.ipAuth.isEmpty else { throw v.error("trunk '\(name)': list at least one address, or leave out ip_auth") }
        }
        if trunk.registrar == nil, trunk.ipAuth.isEmpty {
            throw item.error("trunk '\(name)' needs 'registrar' (where to register and send calls) or 'ip_auth' (addresses it accepts calls from)")
        }
        if let v = m["username"] { trunk.username = try sipUser(v) }
        if let v = m["auth_username"] { trunk.authUsername = try sipUser(v) }
        if let v = m["password"] { trunk.password = try v.nonEmptyString() }
        if let v = m["realm"] { trunk.realm = try realm(v) }
        if let v = m["expires"] { trunk.expiresSeconds = try v.int(in: 60...86_400) }
        try checkCredentials(trunk, m, item: item)
        trunk.register = try m["register"]?.bool() ?? (trunk.registrar != nil)
        if trunk.register {
            guard trunk.registrar != nil else { throw (m["register"] ?? item).error("trunk '\(name)': register: true needs a registrar") }
            guard trunk.username != nil, trunk.password != nil else {
                throw (m["register"] ?? item).error("trunk '\(name)' registers, so it needs 'username' and 'password' (or set register: false)")
            }
        }
        if let v = m["did_source"] { trunk.didSource = try didSource(v) }
        if let v = m["caller_id"] {
            let number = try v.nonEmptyString()
            let digits = number.hasPrefix("+") ? number.dropFirst() : Substring(number)
            guard (1...20).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw v.error("caller_id '\(number)' must be digits, optionally after a '+'")
            }
            trunk.callerID = number
        }
        if let v = m["codecs"] { trunk.codecs = try v.codecList() }
        if let v = m["srtp"] { trunk.srtp = try v.choice(SRTPPolicy.self) }
        if let v = m["transport"] { trunk.transport = try v.choice(Trunk.Transport.self) }
        if let v = m["transfer"] {
            trunk.transfer = try v.choice(Trunk.TransferMethod.self)
            if trunk.transfer == .refer, trunk.registrar == nil {
                throw v.error("trunk '\(name)': transfer: refer needs a registrar (the Refer-To names a number at its host)")
            }
        }
        if let v = m["refer_timeout_s"] {
            guard trunk.transfer == .refer else { throw v.error("trunk '\(name)': refer_timeout_s applies only with transfer: refer") }
            trunk.referTimeoutSeconds = try v.int(in: Trunk.referTimeoutRange)
        }
        return trunk
    }

    /// Credentials come as a set: a password needs a username, the rest need a password.
    private static func checkCredentials(_ trunk: Trunk, _ m: [String: ConfigNode], item: ConfigNode) throws(ConfigError) {
        if trunk.password != nil, trunk.username == nil {
            throw (m["password"] ?? item).error("trunk '\(trunk.name)': a password needs a 'username'")
        }
        for key in ["auth_username", "realm"] where m[key] != nil && trunk.password == nil {
            throw (m[key] ?? item).error("trunk '\(trunk.name)': '\(key)' applies only with a 'password'")
        }
    }

    /// `sip:host[:port]` or `host[:port]`; IPv6 in brackets.
    static func server(_ n: ConfigNode) throws(ConfigError) -> Trunk.Server {
        let text = try n.nonEmptyString()
        var rest = Substring(text)
        if rest.lowercased().hasPrefix("sips:") { throw n.error("'\(text)': sips (TLS) is not supported; use transport udp or tcp") }
        if rest.lowercased().hasPrefix("sip:") { rest = rest.dropFirst(4) }
        if rest.contains("@") { throw n.error("'\(text)' names a user; give only the server (sip:host[:port])") }
        if rest.contains(where: { ";?/ ".contains($0) }) {
            throw n.error("'\(text)': only sip:host[:port] is accepted (set the transport with the trunk's 'transport' key)")
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw n.error("'\(text)': missing ']' after the IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw n.error("'\(text)': expected ':PORT' after ']'") }
            guard IPNetwork.isAddress(String(host)), host.contains(":") else { throw n.error("'\(host)' is not an IPv6 address") }
            if !after.isEmpty { portText = after.dropFirst() }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw n.error("'\(text)': put an IPv6 address in brackets, e.g. sip:[2001:db8::1]:5060") }
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
            guard IPNetwork.isAddress(String(host)) || HostName.isValid(String(host)) else {
                throw n.error("'\(host)' is not a host name or IP address")
            }
        }
        var port: Int?
        if let portText {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(portText), (1...65535).contains(p) else {
                throw n.error("'\(text)': the port must be 1...65535")
            }
            port = p
        }
        return Trunk.Server(host: String(host), port: port)
    }

    /// A SIP user part we can put in a URI and a digest (no spaces, ':', '@' or quotes).
    private static func sipUser(_ n: ConfigNode) throws(ConfigError) -> String {
        let user = try n.nonEmptyString()
        guard !user.contains(where: { $0.isWhitespace || ":@\"\\<>".contains($0) }) else {
            throw n.error("'\(user)' may not contain spaces, ':', '@', quotes or angle brackets")
        }
        return user
    }

    /// A digest realm: one line without quotes or backslashes (it is a quoted string, RFC 3261 §25.1).
    static func realm(_ n: ConfigNode) throws(ConfigError) -> String {
        let realm = try n.nonEmptyString()
        guard !realm.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
            throw n.error("realm '\(realm)' may not contain quotes, backslashes or line breaks")
        }
        return realm
    }

    private static func didSource(_ n: ConfigNode) throws(ConfigError) -> Trunk.DIDSource {
        let text = try n.nonEmptyString()
        switch text {
        case "request_uri": return .requestURI
        case "to": return .to
        default:
            guard text.hasPrefix("header:") else {
                throw n.error("did_source '\(text)' is not one of: request_uri, to, header:NAME")
            }
            let header = text.dropFirst("header:".count)
            // A header name is an RFC 3261 §25.1 token.
            guard !header.isEmpty, header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.!%*_+`'~".contains($0)) }) else {
                throw n.error("did_source '\(text)': '\(header)' is not a header name")
            }
            return .header(String(header))
        }
    }
}
