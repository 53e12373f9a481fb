/// One entry of a `Contact` header (RFC 3261 §20.10): an optional display name, the URI as given,
/// and the header parameters (`expires`, `q`, `+sip.instance`, `reg-id`, ...). Names are lower-cased
/// and values unquoted. ``ContactList`` reads whole header values, which may hold several entries.
public struct ContactValue: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String?
        public var quoted: Bool

        public init(name: String, value: String?, quoted: Bool = false) {
            self.name = name
            self.value = value
            self.quoted = quoted
        }
    }

    public var displayName: String?
    public var uri: String
    public var parameters: [Parameter]

    public init(displayName: String? = nil, uri: String, parameters: [Parameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public func parameter(_ name: String) -> Parameter? {
        let lowered = name.lowercased()
        return parameters.first { $0.name == lowered }
    }

    /// The `expires` parameter when it is a valid delta-seconds; malformed values read as absent
    /// (RFC 3261 §20.19 says to treat them as the default). Huge values clamp to 2^32-1.
    public var expires: Int? {
        parameter("expires")?.value.flatMap(ContactValue.deltaSeconds)
    }

    /// The RFC 5626 `+sip.instance` value without its angle brackets.
    public var instanceID: String? {
        guard var value = parameter("+sip.instance")?.value, !value.isEmpty else { return nil }
        if value.hasPrefix("<"), value.hasSuffix(">"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value
    }

    /// The RFC 5626 `reg-id`, 1...2^31-1.
    public var regID: Int? {
        guard let text = parameter("reg-id")?.value, let value = ContactValue.deltaSeconds(text), value >= 1 else {
            return nil
        }
        return value
    }

    /// `name-addr` form with parameters, e.g. `"Desk" <sip:1001@10.0.0.5:5060>;expires=3600`.
    public var headerValue: String {
        var text = displayName.map { quoted($0) + " " } ?? ""
        text += "<\(uri)>"
        for parameter in parameters {
            text += ";" + parameter.name
            if let value = parameter.value { text += "=" + (parameter.quoted ? quoted(value) : value) }
        }
        return text
    }

    /// Parses a delta-seconds (RFC 3261 §25.1: 1*DIGIT), clamping values over 2^32-1.
    static func deltaSeconds(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        guard trimmed.utf8.count <= 10, let value = Int(trimmed) else { return Int(UInt32.max) }
        return min(value, Int(UInt32.max))
    }
}

/// Reads a q-value (RFC 3261 §20.10: `0[.ddd]` or `1[.000]`) as thousandths, 0...1000.
public struct QValue: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var thousandths: Int

    public init?(thousandths: Int) {
        guard (0...1000).contains(thousandths) else { return nil }
        self.thousandths = thousandths
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole == "0" || whole == "1" else { return nil }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.count <= 3, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        fraction += String(repeating: "0", count: 3 - fraction.count)
        guard let thousandths = Int(fraction), whole == "0" || thousandths == 0 else { return nil }
        self.thousandths = (whole == "1" ? 1000 : 0) + thousandths
    }

    public static func < (lhs: QValue, rhs: QValue) -> Bool { lhs.thousandths < rhs.thousandths }

    public var description: String {
        if thousandths == 1000 { return "1" }
        var digits = String(thousandths)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits.isEmpty ? "0" : "0." + digits
    }
}
