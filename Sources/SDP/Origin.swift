/// The o= line (RFC 8866 §5.2): who created the session and which version of it this is.
///
/// `sessionID` is kept as text: RFC 8866 asks for a numeric string, but only its identity matters
/// and some peers send values wider than 64 bits. `sessionVersion` must grow by one each time a
/// party changes its description (RFC 3264 §8), so it is a number.
public struct Origin: Sendable, Equatable {
    public var username: String
    public var sessionID: String
    public var sessionVersion: UInt64
    public var netType: String
    public var addressType: String
    public var address: String

    public init(
        username: String = "-",
        sessionID: String,
        sessionVersion: UInt64,
        netType: String = "IN",
        addressType: String = "IP4",
        address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = netType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the value of an o= line (the text after `o=`).
    init(sdpValue value: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        let fields = value.fields()
        guard fields.count == 6 else {
            throw SDPError(line: line, reason: "o= line: expected 6 fields, found \(fields.count)")
        }
        guard let version = fields[2].decimal(UInt64.self) else {
            throw SDPError(line: line, reason: "o= line: session version is not a number")
        }
        self.init(
            username: fields[0].text,
            sessionID: fields[1].text,
            sessionVersion: version,
            netType: fields[3].text,
            addressType: fields[4].text,
            address: fields[5].text
        )
    }

    /// The value of the o= line, without `o=`.
    var sdpValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(netType) \(addressType) \(address)"
    }
}
