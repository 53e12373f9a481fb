/// An IP network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`), or a single host.
///
/// Host bits are cleared on construction, so `192.0.2.77/24` means `192.0.2.0/24` (the usual
/// reading in trunk and firewall configuration). IPv4-mapped IPv6 networks (`::ffff:0:0/96` and
/// longer) are stored as the IPv4 network they stand for, and ``contains(_:)`` un-maps the
/// address it tests, so both spellings of an IPv4 peer match.
public struct TrunkIPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the network.
    public let address: IPAddress
    /// The number of leading bits that must match (0...32 or 0...128).
    public let prefixLength: Int

    /// The network of `address`/`prefixLength` (nil length: the single host).
    public init(address: IPAddress, prefixLength: Int? = nil) throws(IPParseError) {
        let length = prefixLength ?? address.bitWidth
        guard (0...address.bitWidth).contains(length) else {
            throw IPParseError(input: "\(address)/\(length)",
                               reason: .invalidPrefixLength("\(length) is outside 0...\(address.bitWidth)"))
        }
        if case .v4(let value) = address.unmapped, !address.isIPv4, length >= 96 {
            self.address = IPAddress.v4(value).masked(to: length - 96)
            self.prefixLength = length - 96
        } else {
            self.address = address.masked(to: length)
            self.prefixLength = length
        }
    }

    /// Parses `address` or `address/length` (length in plain decimal).
    public init(parsing text: some StringProtocol) throws(IPParseError) {
        let input = String(text)
        guard input.utf8.count <= IPParseError.maximumLength else { throw IPParseError(input: input, reason: .tooLong) }
        let parts = input.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = try IPAddress(parsing: parts[0])
        guard parts.count == 2 else {
            try self.init(address: address)
            return
        }
        let digits = parts[1]
        guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let length = Int(digits)
        else { throw IPParseError(input: input, reason: .invalidPrefixLength("'\(digits)' is not a number")) }
        do {
            try self.init(address: address, prefixLength: length)
        } catch {
            throw IPParseError(input: input, reason: error.reason)
        }
    }

    /// Whether `candidate` (un-mapped first) lies in this network; IPv4 never matches IPv6.
    public func contains(_ candidate: IPAddress) -> Bool {
        let candidate = candidate.unmapped
        guard candidate.isIPv4 == address.isIPv4 else { return false }
        return candidate.masked(to: prefixLength) == address
    }

    /// Whether the network is a single address.
    public var isHost: Bool { prefixLength == address.bitWidth }

    public var description: String { "\(address)/\(prefixLength)" }
}
