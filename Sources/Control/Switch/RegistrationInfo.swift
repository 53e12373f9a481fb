import Foundation

/// A user's registered phones (`GET /registrations`), from the registrar's location service.
public struct RegistrationInfo: Codable, Sendable, Equatable {
    /// The address-of-record's user part (the extension).
    public var user: String
    public var contacts: [RegisteredContact]

    public init(user: String, contacts: [RegisteredContact]) {
        self.user = user
        self.contacts = contacts
    }
}

/// One binding of a user to a device (RFC 3261 §10).
public struct RegisteredContact: Codable, Sendable, Equatable {
    /// The Contact URI the phone registered.
    public var uri: String
    public var expiresAt: Date
    /// Where the REGISTER came from ("192.0.2.10:5062"); calls are sent there (RFC 5626-style).
    public var source: String
    /// "udp", "tcp" or "tls".
    public var transport: String
    public var userAgent: String?
    public var registeredAt: Date?

    public init(uri: String, expiresAt: Date, source: String, transport: String, userAgent: String? = nil,
                registeredAt: Date? = nil) {
        self.uri = uri
        self.expiresAt = expiresAt
        self.source = source
        self.transport = transport
        self.userAgent = userAgent
        self.registeredAt = registeredAt
    }
}
