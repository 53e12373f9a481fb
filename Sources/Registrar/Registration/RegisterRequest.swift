/// What the registrar needs from a REGISTER that already passed authentication: the address of
/// record (canonical form chosen by the caller, e.g. `1001@parley`), the raw `Contact` and
/// `Expires` header values, Call-ID and CSeq, and where it came from.
public struct RegisterRequest: Sendable {
    public var aor: String
    /// Every `Contact` header value; empty for a query of current bindings (RFC 3261 §10.2.3).
    public var contacts: [String]
    /// The `Expires` header value, if any.
    public var expires: String?
    public var callID: String
    public var cseq: UInt32
    public var source: SourceAddress
    public var transport: String
    public var userAgent: String?
    /// Per-user limit (``DirectoryUser/maxContacts``); nil uses the policy's.
    public var maxContacts: Int?

    public init(aor: String, contacts: [String], expires: String? = nil, callID: String, cseq: UInt32,
                source: SourceAddress, transport: String, userAgent: String? = nil, maxContacts: Int? = nil) {
        self.aor = aor
        self.contacts = contacts
        self.expires = expires
        self.callID = callID
        self.cseq = cseq
        self.source = source
        self.transport = transport
        self.userAgent = userAgent
        self.maxContacts = maxContacts
    }
}

/// How one binding changed while handling a REGISTER or a purge tick, for logs and events.
public enum BindingChange: Sendable, Equatable {
    case added(Binding)
    case refreshed(Binding)
    case removed(Binding)
    /// Removed because its time ran out.
    case expired(Binding)
    /// Removed to make room under the contact limit.
    case replaced(Binding)

    public var binding: Binding {
        switch self {
        case .added(let b), .refreshed(let b), .removed(let b), .expired(let b), .replaced(let b): return b
        }
    }
}

/// A successful REGISTER: the 200 OK to send (one `Contact` per current binding with its
/// remaining `expires`), the bindings now in force (best first) and what changed.
public struct RegisterResult: Sendable, Equatable {
    public var reply: Reply
    public var bindings: [Binding]
    public var changes: [BindingChange]
}
