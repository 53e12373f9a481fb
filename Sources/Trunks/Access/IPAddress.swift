/// An IPv4 or IPv6 address as a plain value: parsed from text (never trapping), printed in the
/// canonical form (dotted quad; RFC 5952 for IPv6), compared bit by bit for prefix matching.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address, most significant byte first (192.0.2.1 is 0xC000_0201).
    case v4(UInt32)
    /// An IPv6 address as two 64-bit halves, most significant first.
    case v6(high: UInt64, low: UInt64)

    /// Parses `192.0.2.1`, `2001:db8::1`, `::ffff:192.0.2.1` or a bracketed `[2001:db8::1]`.
    /// IPv4 parts must be plain decimal without leading zeros (a leading zero is octal to some
    /// parsers, so it is refused rather than guessed). Zone identifiers (`%eth0`) are refused.
    public init(parsing text: some StringProtocol) throws(IPParseError) {
        let input = String(text)
        guard !input.isEmpty else { throw IPParseError(input: input, reason: .empty) }
        guard input.utf8.count <= IPParseError.maximumLength else { throw IPParseError(input: input, reason: .tooLong) }
        var body = Substring(input)
        if body.hasPrefix("[") {
            guard body.hasSuffix("]"), body.count >= 2 else {
                throw IPParseError(input: input, reason: .invalidIPv6("unbalanced brackets"))
            }
            body = body.dropFirst().dropLast()
            guard body.contains(":") else { throw IPParseError(input: input, reason: .invalidIPv6("brackets around IPv4")) }
        }
        if body.contains("%") { throw IPParseError(input: input, reason: .zoneNotSupported) }
        if body.contains(":") {
            let (high, low) = try IPv6Text.parse(body, input: input)
            self = .v6(high: high, low: low)
        } else {
            self = .v4(try IPv4Text.parse(body, input: input))
        }
    }

    /// The address without IPv4-mapping: `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) becomes `a.b.c.d`,
    /// so a mapped source address matches IPv4 networks.
    public var unmapped: IPAddress {
        if case .v6(let high, let low) = self, high == 0, low >> 32 == 0xFFFF {
            return .v4(UInt32(truncatingIfNeeded: low))
        }
        return self
    }

    /// Whether this is IPv4 (not counting IPv4-mapped IPv6; see ``unmapped``).
    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// The number of bits: 32 or 128.
    public var bitWidth: Int { isIPv4 ? 32 : 128 }

    /// The address with every bit after the first `prefixLength` cleared (`prefixLength` is
    /// clamped to the address's width).
    public func masked(to prefixLength: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            return .v4(value & Self.mask32(prefixLength))
        case .v6(let high, let low):
            return .v6(high: high & Self.mask64(prefixLength), low: low & Self.mask64(prefixLength - 64))
        }
    }

    public var description: String {
        switch self {
        case .v4(let value): return IPv4Text.format(value)
        case .v6(let high, let low): return IPv6Text.format(high: high, low: low)
        }
    }

    /// The first `bits` bits set (0...32, clamped).
    static func mask32(_ bits: Int) -> UInt32 {
        let bits = min(max(bits, 0), 32)
        return bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
    }

    /// The first `bits` bits set (0...64, clamped).
    static func mask64(_ bits: Int) -> UInt64 {
        let bits = min(max(bits, 0), 64)
        return bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits)
    }
}

extension IPAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Text that is not an IP address, network or access-list entry, with the offending input.
public struct IPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the text was refused.
    public enum Reason: Sendable, Equatable {
        case empty
        case tooLong
        case invalidIPv4(String)
        case invalidIPv6(String)
        case zoneNotSupported
        case invalidPrefixLength(String)
    }

    /// Inputs longer than this are refused before any parsing (the longest real form, a
    /// bracketed IPv6 with a dotted tail and a prefix, is about 50 characters).
    public static let maximumLength = 64

    /// The text as given (cut to `maximumLength` characters when too long).
    public let input: String
    public let reason: Reason

    public init(input: String, reason: Reason) {
        self.input = input.count > Self.maximumLength ? String(input.prefix(Self.maximumLength)) + "…" : input
        self.reason = reason
    }

    public var description: String {
        let why: String
        switch reason {
        case .empty: why = "empty"
        case .tooLong: why = "longer than \(Self.maximumLength) characters"
        case .invalidIPv4(let detail): why = "not an IPv4 address: \(detail)"
        case .invalidIPv6(let detail): why = "not an IPv6 address: \(detail)"
        case .zoneNotSupported: why = "zone identifiers (%...) are not supported"
        case .invalidPrefixLength(let detail): why = "bad prefix length: \(detail)"
        }
        return "'\(input)': \(why)"
    }
}
