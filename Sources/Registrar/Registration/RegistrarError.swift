/// Why a REGISTER was refused; each case knows the reply it becomes (``reply``).
public enum RegistrarError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedContact(ContactError)
    case unsupportedContactURI(String, SIPURI.ParseError)
    case invalidQValue(String)
    /// `*` with a nonzero or missing Expires (RFC 3261 §10.3 step 6).
    case wildcardRequiresZeroExpires
    /// RFC 3261 §10.3 step 7: 423 with Min-Expires.
    case intervalTooBrief(requested: Int, minimum: Int)
    /// Same Call-ID with a CSeq not higher than the stored one (RFC 3261 §10.3 step 7).
    case outOfOrder(callID: String, cseq: UInt32, stored: UInt32)
    case tooManyContacts(limit: Int)
    case invalidAOR(String)

    public var reply: Reply {
        switch self {
        case .malformedContact, .unsupportedContactURI, .invalidQValue, .wildcardRequiresZeroExpires, .invalidAOR:
            return .badRequest()
        case .intervalTooBrief(_, let minimum):
            return Reply(status: 423, phrase: "Interval Too Brief",
                         headers: [HeaderField(name: "Min-Expires", value: String(minimum))])
        case .outOfOrder:
            return Reply(status: 500, phrase: "Server Internal Error")
        case .tooManyContacts:
            return .forbidden()
        }
    }

    public var description: String {
        switch self {
        case .malformedContact(let error): return "malformed Contact: \(error)"
        case .unsupportedContactURI(let uri, let error): return "unusable Contact URI '\(uri)': \(error)"
        case .invalidQValue(let value): return "invalid q '\(value)'"
        case .wildcardRequiresZeroExpires: return "Contact: * requires Expires: 0"
        case .intervalTooBrief(let requested, let minimum): return "expires \(requested) below minimum \(minimum)"
        case .outOfOrder(let callID, let cseq, let stored): return "CSeq \(cseq) not above \(stored) for Call-ID \(callID)"
        case .tooManyContacts(let limit): return "more than \(limit) contacts"
        case .invalidAOR(let aor): return "invalid address of record '\(aor)'"
        }
    }
}
