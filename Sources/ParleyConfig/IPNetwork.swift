import Foundation

/// An IPv4 or IPv6 network such as `10.0.0.0/8` or `2001:db8::/32`; a bare address is a network
/// of one (`/32` or `/128`). Used for trunk source addresses, the trusted list and the loopback rule.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// Why a text is not a network; `text` is what was given.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case notAnAddress(String)
        case badPrefixLength(String, maximum: Int)
        /// `192.168.1.7/24`: bits are set past the prefix, which usually means a typo.
        case hostBitsSet(String, network: String)

        public var description: String {
            switch self {
            case .notAnAddress(let text): return "'\(text)' is not an IPv4 or IPv6 address or network"
            case .badPrefixLength(let text, let maximum): return "'\(text)': the prefix length must be 0...\(maximum)"
            case .hostBitsSet(let text, let network): return "'\(text)' has bits set past its prefix length (did you mean \(network)?)"
            }
        }
    }

    /// 4 bytes for IPv4, 16 for IPv6; bits past `prefixLength` are zero.
    public let addressBytes: [UInt8]
    public let prefixLength: Int

    /// Networks that only this host can reach: 127.0.0.0/8 and ::1.
    public static let loopback: [IPNetwork] = [
        IPNetwork(uncheckedBytes: [127, 0, 0, 0], prefixLength: 8),
        IPNetwork(uncheckedBytes: [UInt8](repeating: 0, count: 15) + [1], prefixLength: 128),
    ]

    private init(uncheckedBytes: [UInt8], prefixLength: Int) {
        self.addressBytes = uncheckedBytes
        self.prefixLength = prefixLength
    }

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.bytes(of: String(parts[0]), mapV4: false) else { throw .notAnAddress(text) }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), let value = Int(parts[1]),
                  (0...maximum).contains(value) else {
                throw .badPrefixLength(text, maximum: maximum)
            }
            length = value
        }
        let masked = Self.mask(bytes, to: length)
        guard masked == bytes else {
            throw .hostBitsSet(text, network: IPNetwork(uncheckedBytes: masked, prefixLength: length).description)
        }
        self.init(uncheckedBytes: bytes, prefixLength: length)
    }

    /// Whether `address` (an IPv4 or IPv6 address, as a socket reports it) lies in this network.
    /// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) match IPv4 networks.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address, mapV4: addressBytes.count == 4) else { return false }
        return bytes.count == addressBytes.count && Self.mask(bytes, to: prefixLength) == addressBytes
    }

    /// `ADDRESS/PREFIX` in canonical form.
    public var description: String {
        let family = addressBytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let text: String = addressBytes.withUnsafeBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return "\(text)/\(prefixLength)"
    }

    /// Whether `address` is an IPv4 or IPv6 address (no prefix, no zone).
    public static func isAddress(_ address: String) -> Bool {
        bytes(of: address, mapV4: false) != nil
    }

    /// Whether `address` is a loopback address (127.0.0.0/8 or ::1, also as `::ffff:127.x.y.z`).
    public static func isLoopback(_ address: String) -> Bool {
        loopback.contains { $0.contains(address) }
    }

    /// The address's bytes; with `mapV4`, an IPv4-mapped IPv6 address yields its 4 IPv4 bytes.
    static func bytes(of text: String, mapV4: Bool) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if mapV4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return Array(bytes[12..<16])
        }
        return bytes
    }

    private static func mask(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(max(length - index * 8, 0), 8)
            return keep == 8 ? byte : byte & ~(UInt8(0xff) >> keep)
        }
    }
}

/// Host names as RFC 3261 §25.1 allows them: dot-separated labels of letters, digits and hyphens,
/// the last one starting with a letter (so `10.1.2` is not taken for a name).
enum HostName {
    static func isValid(_ name: String) -> Bool {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253 else { return false }
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-",
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
        }
        return labels.last?.first?.isLetter ?? false
    }
}
