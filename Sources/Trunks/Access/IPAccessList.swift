/// A list of IP networks a source address is checked against: the addresses an IP-authenticated
/// trunk sends from, or a trusted list (gateways, load balancers).
///
/// Matching is by CIDR prefix for IPv4 and IPv6; an IPv4-mapped IPv6 source (`::ffff:a.b.c.d`,
/// as dual-stack sockets report IPv4 peers) matches the IPv4 entries. An empty list matches
/// nothing. Text that is not an address never matches.
public struct IPAccessList: Sendable, Equatable, CustomStringConvertible {
    /// The networks, in the order given.
    public private(set) var networks: [TrunkIPNetwork]

    public init(_ networks: [TrunkIPNetwork] = []) {
        self.networks = networks
    }

    /// Parses each entry with ``TrunkIPNetwork/init(parsing:)`` (surrounding spaces ignored); the
    /// error names the first bad entry and its position.
    public init(parsing entries: [String]) throws(IPAccessListError) {
        var networks: [TrunkIPNetwork] = []
        networks.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            do {
                networks.append(try TrunkIPNetwork(parsing: entry.trimmingSpaces()))
            } catch {
                throw IPAccessListError(index: index, entry: entry, error: error)
            }
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    /// Adds a network at the end.
    public mutating func append(_ network: TrunkIPNetwork) {
        networks.append(network)
    }

    /// Whether any entry contains `address`.
    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// Whether any entry contains the address written in `text` (false if it is no address).
    public func contains(_ text: String) -> Bool {
        guard let address = try? IPAddress(parsing: text) else { return false }
        return contains(address)
    }

    /// The most specific entry (longest prefix) containing `address`: which of several trunks'
    /// lists a source belongs to best. The first such entry on a tie.
    public func bestMatch(for address: IPAddress) -> TrunkIPNetwork? {
        var best: TrunkIPNetwork?
        for network in networks where network.contains(address) {
            if best.map({ network.prefixLength > $0.prefixLength }) ?? true { best = network }
        }
        return best
    }

    public var description: String {
        networks.isEmpty ? "(empty)" : networks.map(\.description).joined(separator: ", ")
    }
}

/// An access-list entry that could not be parsed, with its position.
public struct IPAccessListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry's index in the list given.
    public let index: Int
    /// The entry as given.
    public let entry: String
    public let error: IPParseError

    public var description: String { "access list entry \(index + 1): \(error)" }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
