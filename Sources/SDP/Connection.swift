/// A c= line (RFC 8866 §5.7): where media is sent.
///
/// For IPv4 multicast the address may carry a TTL and an address count
/// (`224.2.1.1/127/3`); for IPv6 multicast only a count (`ff15::101/3`). Unicast addresses, the
/// only kind a softswitch sees in practice, carry neither. Addresses are kept as text: they may
/// be host names, and this module never resolves or connects to anything.
public struct Connection: Sendable, Equatable {
    public var netType: String
    public var addressType: String
    public var address: String
    public var ttl: Int?
    public var addressCount: Int?

    public init(address: String, addressType: String = "IP4") {
        self.netType = "IN"
        self.addressType = addressType
        self.address = address
    }

    public init(netType: String, addressType: String, address: String, ttl: Int? = nil, addressCount: Int? = nil) {
        self.netType = netType
        self.addressType = addressType
        self.address = address
        self.ttl = ttl
        self.addressCount = addressCount
    }

    /// Whether the address is the RFC 2543 "hold" address (`0.0.0.0`, or the IPv6 unspecified
    /// address `::`): old peers put a call on hold by pointing media at it (RFC 3264 §8.4).
    public var isHoldAddress: Bool {
        if address == "0.0.0.0" { return true }
        guard address.contains(":") else { return false }
        // "::", "0::0", "0:0:0:0:0:0:0:0" ... all spell the unspecified address.
        return address.utf8.allSatisfy { $0 == ASCII.colon || $0 == ASCII.zero }
    }

    var isIPv6: Bool { addressType == "IP6" || addressType == "ip6" }

    /// Parses the value of a c= line (the text after `c=`); `field` names the line in errors.
    init(sdpValue value: ArraySlice<UInt8>, line: Int, field: String = "c=") throws(SDPError) {
        let fields = value.fields()
        guard fields.count == 3 else {
            throw SDPError(line: line, reason: "\(field) line: expected 3 fields, found \(fields.count)")
        }
        self.init(netType: fields[0].text, addressType: fields[1].text, address: "")
        let parts = fields[2].pieces(separatedBy: ASCII.slash)
        guard let host = parts.first, !host.isEmpty else {
            throw SDPError(line: line, reason: "\(field) line: address is empty")
        }
        address = host.text
        if isIPv6 {
            // RFC 8866 §5.7: IPv6 multicast carries no TTL, only an optional address count.
            guard parts.count <= 2 else {
                throw SDPError(line: line, reason: "\(field) line: IPv6 address has too many '/' parts")
            }
            if parts.count == 2 { addressCount = try Self.count(parts[1], line: line, field: field) }
        } else {
            guard parts.count <= 3 else {
                throw SDPError(line: line, reason: "\(field) line: address has too many '/' parts")
            }
            if parts.count >= 2 {
                guard let value = parts[1].decimal(Int.self), value <= 255 else {
                    throw SDPError(line: line, reason: "\(field) line: TTL is not a number from 0 to 255")
                }
                ttl = value
            }
            if parts.count == 3 { addressCount = try Self.count(parts[2], line: line, field: field) }
        }
    }

    private static func count(_ text: ArraySlice<UInt8>, line: Int, field: String) throws(SDPError) -> Int {
        guard let value = text.decimal(Int.self), value >= 1, value <= 65535 else {
            throw SDPError(line: line, reason: "\(field) line: address count is not a number from 1 to 65535")
        }
        return value
    }

    /// The value of the c= line, without `c=`.
    var sdpValue: String {
        var text = "\(netType) \(addressType) \(address)"
        if isIPv6 {
            if let addressCount { text += "/\(addressCount)" }
        } else if let ttl {
            text += "/\(ttl)"
            if let addressCount { text += "/\(addressCount)" }
        }
        return text
    }
}
