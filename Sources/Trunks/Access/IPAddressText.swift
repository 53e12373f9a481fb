import Foundation

/// Text forms of IPv4 addresses: strict dotted-quad parsing and printing.
enum IPv4Text {
    /// `a.b.c.d`, each part 0-255 in plain decimal with no leading zero.
    static func parse(_ text: Substring, input: String) throws(IPParseError) -> UInt32 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw IPParseError(input: input, reason: .invalidIPv4("expected 4 parts, got \(parts.count)")) }
        var value: UInt32 = 0
        for part in parts {
            value = value << 8 | UInt32(try octet(part, input: input))
        }
        return value
    }

    static func octet(_ part: Substring, input: String) throws(IPParseError) -> UInt8 {
        let bytes = Array(part.utf8)
        guard !bytes.isEmpty, bytes.count <= 3, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw IPParseError(input: input, reason: .invalidIPv4("'\(part)' is not a decimal number"))
        }
        guard bytes.count == 1 || bytes[0] != 0x30 else {
            throw IPParseError(input: input, reason: .invalidIPv4("'\(part)' has a leading zero"))
        }
        let number = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard number <= 255 else { throw IPParseError(input: input, reason: .invalidIPv4("\(number) is above 255")) }
        return UInt8(number)
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}

/// Text forms of IPv6 addresses: RFC 4291 §2.2 parsing, RFC 5952 printing.
enum IPv6Text {
    /// Eight 16-bit groups in hex, with at most one `::` standing for one or more zero groups and
    /// an optional dotted-quad tail for the last 32 bits.
    static func parse(_ text: Substring, input: String) throws(IPParseError) -> (UInt64, UInt64) {
        func fail(_ why: String) -> IPParseError { IPParseError(input: input, reason: .invalidIPv6(why)) }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { throw fail("more than one '::'") }
        let head = try groups(Substring(halves[0]), input: input, mayEndInIPv4: halves.count == 1)
        let tail = halves.count == 2 ? try groups(Substring(halves[1]), input: input, mayEndInIPv4: true) : []
        var words: [UInt16]
        if halves.count == 2 {
            guard head.count + tail.count <= 7 else { throw fail("'::' must stand for at least one group") }
            words = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { throw fail("expected 8 groups, got \(head.count)") }
            words = head
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for word in words[0..<4] { high = high << 16 | UInt64(word) }
        for word in words[4..<8] { low = low << 16 | UInt64(word) }
        return (high, low)
    }

    /// The groups of one side of `::` (empty text gives none); a dotted-quad last part counts as
    /// two groups when allowed.
    static func groups(_ text: Substring, input: String, mayEndInIPv4: Bool) throws(IPParseError) -> [UInt16] {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 8 else { throw IPParseError(input: input, reason: .invalidIPv6("too many groups")) }
        var words: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if part.contains(".") {
                guard mayEndInIPv4, index == parts.count - 1 else {
                    throw IPParseError(input: input, reason: .invalidIPv6("an IPv4 part may only end the address"))
                }
                let value = try IPv4Text.parse(part, input: input)
                words.append(UInt16(value >> 16))
                words.append(UInt16(value & 0xFFFF))
                continue
            }
            let bytes = Array(part.utf8)
            guard !bytes.isEmpty, bytes.count <= 4, let word = UInt16(String(part), radix: 16),
                  bytes.allSatisfy({ Self.isHexDigit($0) })
            else { throw IPParseError(input: input, reason: .invalidIPv6("'\(part)' is not a group of 1-4 hex digits")) }
            words.append(word)
        }
        return words
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// RFC 5952 §4: lowercase, no leading zeros, the longest run (first on a tie) of two or more
    /// zero groups as `::`; IPv4-mapped addresses end in a dotted quad (§5).
    static func format(high: UInt64, low: UInt64) -> String {
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + IPv4Text.format(UInt32(truncatingIfNeeded: low))
        }
        let words = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64($0))) }
        var bestStart = -1
        var bestLength = 1  // a single zero group is never shortened
        var index = 0
        while index < 8 {
            guard words[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && words[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        let hex = words.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let before = hex[0..<bestStart].joined(separator: ":")
        let after = hex[(bestStart + bestLength)...].joined(separator: ":")
        return before + "::" + after
    }
}
