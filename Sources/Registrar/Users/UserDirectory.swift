/// One user who may register and place calls: the extension (the digest username), its secret,
/// the caller-ID name and an optional cap on registered contacts.
public struct DirectoryUser: Sendable, Equatable, CustomStringConvertible {
    /// How the user's secret is kept. `ha1` values are lower-case or upper-case hex of
    /// H(username:realm:password) and are only valid for the realm they were computed with; give
    /// both so clients that pick SHA-256 can authenticate too.
    public enum Secret: Sendable, Equatable {
        case password(String)
        case ha1(md5: String?, sha256: String?)
    }

    /// The extension, also the digest username and the user part of the address of record.
    public var username: String
    public var secret: Secret
    public var callerIDName: String?
    /// Overrides the registrar's default limit of contacts per address of record.
    public var maxContacts: Int?

    public init(username: String, secret: Secret, callerIDName: String? = nil, maxContacts: Int? = nil) {
        self.username = username
        self.secret = secret
        self.callerIDName = callerIDName
        self.maxContacts = maxContacts
    }

    /// Never prints the secret.
    public var description: String {
        "DirectoryUser(\(username)\(callerIDName.map { ", \"\($0)\"" } ?? ""), secret: <redacted>)"
    }
}

/// Why a ``UserDirectory`` could not be built from configuration.
public enum UserDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyUsername(index: Int)
    case duplicateUsername(String)
    case invalidUsername(String)
    case invalidHA1(username: String, algorithm: DigestAlgorithm)
    case missingSecret(username: String)
    case invalidMaxContacts(username: String, value: Int)

    public var description: String {
        switch self {
        case .emptyUsername(let index): return "user #\(index + 1) has an empty extension"
        case .duplicateUsername(let name): return "extension '\(name)' is defined twice"
        case .invalidUsername(let name): return "extension '\(name)' contains characters a SIP user part cannot"
        case .invalidHA1(let name, let algorithm): return "user '\(name)': \(algorithm) HA1 must be \(algorithm.hexLength) hex digits"
        case .missingSecret(let name): return "user '\(name)' has neither a password nor an HA1"
        case .invalidMaxContacts(let name, let value): return "user '\(name)': max contacts \(value) must be at least 1"
        }
    }
}

/// The users Parley knows, built once from configuration by the composition root and looked up
/// by extension on every REGISTER and INVITE. An immutable value: reload builds a new one. It
/// owns validation of user entries, not the YAML they came from.
public struct UserDirectory: Sendable {
    private let byUsername: [String: DirectoryUser]
    /// Users in the order they were given.
    public let users: [DirectoryUser]

    public init(_ users: [DirectoryUser]) throws(UserDirectoryError) {
        var table: [String: DirectoryUser] = [:]
        for (index, user) in users.enumerated() {
            try Self.validate(user, index: index)
            guard table[user.username] == nil else { throw .duplicateUsername(user.username) }
            table[user.username] = user
        }
        self.byUsername = table
        self.users = users
    }

    /// The user with this extension (exact, case-sensitive match as SIP user parts are).
    public func user(_ username: String) -> DirectoryUser? { byUsername[username] }

    public var count: Int { users.count }

    private static func validate(_ user: DirectoryUser, index: Int) throws(UserDirectoryError) {
        guard !user.username.isEmpty else { throw .emptyUsername(index: index) }
        // The username is hashed as `user:realm:password` and written into quoted strings.
        guard !user.username.contains(where: { $0 == ":" || $0 == "\"" || $0 == "\\" || $0.isWhitespace || $0 == "@" })
        else { throw .invalidUsername(user.username) }
        if let max = user.maxContacts, max < 1 { throw .invalidMaxContacts(username: user.username, value: max) }
        guard case .ha1(let md5, let sha256) = user.secret else { return }
        guard md5 != nil || sha256 != nil else { throw .missingSecret(username: user.username) }
        for (value, algorithm) in [(md5, DigestAlgorithm.md5), (sha256, .sha256)] {
            guard let value else { continue }
            guard value.utf8.count == algorithm.hexLength, Hex.decode(value) != nil else {
                throw .invalidHA1(username: user.username, algorithm: algorithm)
            }
        }
    }
}
