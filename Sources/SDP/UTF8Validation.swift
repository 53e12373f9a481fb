/// UTF-8 validation for byte input (RFC 8866 §5: a description is UTF-8 text).
///
/// Written out rather than using `String(validating:)`, which needs macOS 15, so that the error
/// can name the line holding the first bad byte.
enum UTF8Validation {
    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and values above U+10FFFF included), or nil when all are fine.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // Allowed range of the second byte and the sequence length, per RFC 3629 §4.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= low, second <= high else { return index }
            var offset = 2
            while offset < length {
                guard bytes[index + offset] & 0xC0 == 0x80 else { return index }
                offset += 1
            }
            index += length
        }
        return nil
    }

    /// The 1-based line (counted by LF) holding byte `offset`.
    static func lineNumber(at offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < offset && index < bytes.count {
            if bytes[index] == ASCII.lf { line += 1 }
            index += 1
        }
        return line
    }
}
