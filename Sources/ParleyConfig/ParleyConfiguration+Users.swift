import Foundation

extension ParleyConfiguration {
    /// Someone whose phones register to Parley and who places and takes calls (`users:`).
    public struct User: Sendable, Equatable, CustomStringConvertible {
        public enum Secret: Sendable, Equatable {
            case password(String)
            /// Lower-case hex of MD5(`extension:realm:password`), the HA1 of RFC 2617 §3.2.2.2.
            case ha1(String)
        }

        /// The extension: digits, also the digest username and the user part of the address of record.
        public var number: String
        public var secret: Secret
        public var callerIDName: String?
        /// Contacts (phones) that may be registered at once.
        public var maxContacts: Int
        /// Codec preference for this user's calls; nil uses `rtp.codecs`.
        public var codecs: [String]?
        /// SRTP policy for this user's calls; nil uses `rtp.srtp`.
        public var srtp: SRTPPolicy?
        /// Made by `demo_users: true` rather than written out.
        public var isDemo: Bool
        /// Where it was defined (the `demo_users` line for demo users).
        public var line: Int?

        public init(number: String, secret: Secret, callerIDName: String? = nil, maxContacts: Int = 3,
                    codecs: [String]? = nil, srtp: SRTPPolicy? = nil, isDemo: Bool = false, line: Int? = nil) {
            self.number = number
            self.secret = secret
            self.callerIDName = callerIDName
            self.maxContacts = maxContacts
            self.codecs = codecs
            self.srtp = srtp
            self.isDemo = isDemo
            self.line = line
        }

        /// The extensions `demo_users: true` creates.
        public static let demoExtensions: ClosedRange<Int> = 1000...1019

        /// The published demo password of an extension: `demo` followed by the extension (`demo1000`).
        public static func demoPassword(for number: String) -> String { "demo\(number)" }

        /// The demo user for an extension: password ``demoPassword(for:)``, caller ID `Demo NNNN`.
        public static func demo(_ number: Int, line: Int? = nil) -> User {
            User(number: String(number), secret: .password(demoPassword(for: String(number))),
                 callerIDName: "Demo \(number)", isDemo: true, line: line)
        }

        /// Whether the password is the published demo password for this extension (a demo user,
        /// or an explicit user who chose it).
        public var usesDemoPassword: Bool { secret == .password(Self.demoPassword(for: number)) }

        /// Never prints the secret.
        public var description: String {
            let name = callerIDName.map { " \"\($0)\"" } ?? ""
            return "User(\(number)\(name)\(isDemo ? ", demo" : ""), secret: <redacted>)"
        }
    }

    static let userKeys: Set<String> = ["extension", "password", "ha1", "caller_id_name", "max_contacts", "codecs", "srtp"]

    static func readUsers(_ n: ConfigNode) throws(ConfigError) -> [User] {
        var result: [User] = []
        for item in try n.sequence() {
            let m = try item.mapping(allowed: userKeys)
            guard let numberNode = m["extension"] else { throw item.error("a user needs 'extension'") }
            let number = try numberNode.digits(maxLength: 16)
            guard !result.contains(where: { $0.number == number }) else {
                throw numberNode.error("user \(number) is defined twice")
            }
            var user = User(number: number, secret: try readSecret(m, item: item, number: number), line: item.line)
            if let v = m["caller_id_name"] { user.callerIDName = try displayName(v) }
            if let v = m["max_contacts"] { user.maxContacts = try v.int(in: 1...20) }
            if let v = m["codecs"] { user.codecs = try v.codecList() }
            if let v = m["srtp"] { user.srtp = try v.choice(SRTPPolicy.self) }
            result.append(user)
        }
        return result
    }

    /// Exactly one of `password` and `ha1`.
    private static func readSecret(_ m: [String: ConfigNode], item: ConfigNode, number: String)
        throws(ConfigError) -> User.Secret
    {
        switch (m["password"], m["ha1"]) {
        case (nil, nil):
            throw item.error("user \(number) needs 'password' or 'ha1'")
        case (.some, .some(let ha1)):
            throw ha1.error("user \(number) has both 'password' and 'ha1': keep one")
        case (.some(let password), nil):
            let text = try password.string()
            guard !text.isEmpty else { throw password.error("user \(number): the password must not be empty") }
            guard !text.contains(where: \.isNewline) else { throw password.error("user \(number): the password must be one line") }
            return .password(text)
        case (nil, .some(let ha1)):
            let hex = try ha1.string()
            guard hex.count == 32, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                throw ha1.error("user \(number): ha1 must be 32 hex digits, the MD5 of '\(number):REALM:PASSWORD'")
            }
            return .ha1(hex.lowercased())
        }
    }

    /// A caller-ID display name: one line, no quotes or backslashes (it goes into a quoted string).
    static func displayName(_ n: ConfigNode) throws(ConfigError) -> String {
        let name = try n.nonEmptyString()
        guard !name.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }), name.count <= 64 else {
            throw n.error("'\(name)' must be at most 64 characters, one line, without \" or \\")
        }
        return name
    }

    /// Explicit users first, then the demo users whose extension no explicit user takes.
    static func withDemoUsers(_ explicit: [User], line: Int?) -> [User] {
        let taken = Set(explicit.map(\.number))
        return explicit + User.demoExtensions.filter { !taken.contains(String($0)) }.map { User.demo($0, line: line) }
    }
}
