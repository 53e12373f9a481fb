import Foundation

/// One registered contact of an address of record (RFC 3261 §10.3): the Contact URI as the phone
/// gave it, the transport address the REGISTER really came from (the way to reach a phone behind
/// NAT), when it expires, and the Call-ID/CSeq that last touched it.
public struct Binding: Sendable, Equatable, CustomStringConvertible {
    public var aor: String
    /// The Contact URI exactly as sent (use it as the Request-URI of requests to the phone).
    public let contactURI: String
    public var displayName: String?
    /// RFC 5626 `+sip.instance` (without angle brackets) and `reg-id`, when the phone sent them.
    public let instanceID: String?
    public let regID: Int?
    /// The `q` preference the phone gave, if any.
    public var q: QValue?
    public var expiresAt: Date
    /// When this binding was first created and last refreshed.
    public var registeredAt: Date
    public var updatedAt: Date
    public var callID: String
    public var cseq: UInt32
    /// Source address of the last REGISTER: send requests for this binding there.
    public var received: SourceAddress
    /// `udp`, `tcp`, `tls`, `ws`, `wss` (lower-cased).
    public var transport: String
    public var userAgent: String?

    public init(aor: String, contactURI: String, displayName: String? = nil, instanceID: String? = nil,
                regID: Int? = nil, q: QValue? = nil, expiresAt: Date, registeredAt: Date, updatedAt: Date,
                callID: String, cseq: UInt32, received: SourceAddress, transport: String, userAgent: String? = nil) {
        self.aor = aor
        self.contactURI = contactURI
        self.displayName = displayName
        self.instanceID = instanceID
        self.regID = regID
        self.q = q
        self.expiresAt = expiresAt
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        self.callID = callID
        self.cseq = cseq
        self.received = received
        self.transport = transport
        self.userAgent = userAgent
        key = Self.key(instanceID: instanceID, regID: regID, uri: try? SIPURI.parse(contactURI), contactURI: contactURI)
    }

    /// Identifies the binding within its AOR: the instance (and reg-id) when given (RFC 5626 §6,
    /// so a phone that changed address replaces its old binding), otherwise the Contact URI as
    /// compared by RFC 3261 §19.1.4.
    public let key: String

    static func key(instanceID: String?, regID: Int?, uri: SIPURI?, contactURI: String) -> String {
        if let instanceID { return "instance:" + instanceID + (regID.map { ";reg-id=\($0)" } ?? "") }
        return "uri:" + (uri?.comparisonKey ?? contactURI)
    }

    public func isExpired(at now: Date) -> Bool { now >= expiresAt }

    /// Whole seconds left, rounded up so a live binding never reports 0.
    public func remainingSeconds(at now: Date) -> Int {
        let left = expiresAt.timeIntervalSince(now)
        guard left.isFinite, left > 0 else { return left > 0 ? Int(UInt32.max) : 0 }
        return Int(min(left.rounded(.up), Double(UInt32.max)))
    }

    /// The Contact header value for a 200 OK to REGISTER (RFC 3261 §10.3 step 8).
    public func contactHeaderValue(at now: Date) -> String {
        var parameters = [ContactValue.Parameter(name: "expires", value: String(remainingSeconds(at: now)))]
        if let q { parameters.append(.init(name: "q", value: q.description)) }
        if let instanceID { parameters.append(.init(name: "+sip.instance", value: "<\(instanceID)>", quoted: true)) }
        if let regID { parameters.append(.init(name: "reg-id", value: String(regID))) }
        return ContactValue(uri: contactURI, parameters: parameters).headerValue
    }

    public var description: String {
        "\(aor) -> \(contactURI) via \(transport) \(received) until \(expiresAt.timeIntervalSince1970)"
    }

    /// Best first: higher q (absent counts as 1.0, RFC 3261 §16.6 treats it as highest), then the
    /// most recently refreshed.
    static func preferred(_ lhs: Binding, _ rhs: Binding) -> Bool {
        let left = lhs.q?.thousandths ?? 1000, right = rhs.q?.thousandths ?? 1000
        if left != right { return left > right }
        if lhs.updatedAt != rhs.updatedAt { return lhs.updatedAt > rhs.updatedAt }
        return lhs.contactURI < rhs.contactURI
    }
}
