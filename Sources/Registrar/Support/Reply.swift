/// A SIP response the caller should send: status, reason phrase and the headers to add. The
/// Registrar module decides; the SIP layer (Sofia) builds and sends the message, so phrases here
/// are RFC 3261 defaults the caller may map to its own static strings.
public struct Reply: Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var phrase: String
    public var headers: [HeaderField]

    public init(status: Int, phrase: String, headers: [HeaderField] = []) {
        self.status = status
        self.phrase = phrase
        self.headers = headers
    }

    /// Values of every header with this name (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        headers.filter { $0.hasName(name) }.map(\.value)
    }

    public var description: String { "\(status) \(phrase)" + headers.map { "\n\($0.name): \($0.value)" }.joined() }

    static func forbidden() -> Reply { Reply(status: 403, phrase: "Forbidden") }
    static func badRequest(_ phrase: String = "Bad Request") -> Reply { Reply(status: 400, phrase: phrase) }
}

/// One header line of a ``Reply``.
public struct HeaderField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    func hasName(_ other: String) -> Bool {
        name.lowercased() == other.lowercased()
    }
}

/// Where a request came from on the wire (the `received`/`rport` address of RFC 3261 §18.2.1 and
/// RFC 3581): the address a phone behind NAT is actually reachable at.
public struct SourceAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
