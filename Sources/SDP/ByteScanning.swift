/// ASCII byte values the parsers look for.
///
/// Every parser in this module works on UTF-8 bytes that are already known to be valid, and only
/// ever splits at ASCII bytes, so every piece it turns back into a `String` is valid UTF-8 too.
enum ASCII {
    static let nul: UInt8 = 0x00
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let equals: UInt8 = 0x3D
    static let dot: UInt8 = 0x2E

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}

extension ArraySlice where Element == UInt8 {
    /// The bytes as a `String` (the caller guarantees they are valid UTF-8).
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The pieces between runs of spaces or tabs, leading and trailing runs ignored.
    func fields() -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start: Int? = nil
        var index = startIndex
        while index < endIndex {
            if ASCII.isWhitespace(self[index]) {
                if let begin = start {
                    result.append(self[begin..<index])
                    start = nil
                }
            } else if start == nil {
                start = index
            }
            index += 1
        }
        if let begin = start { result.append(self[begin..<endIndex]) }
        return result
    }

    /// The pieces between every occurrence of `separator` (empty pieces kept).
    func pieces(separatedBy separator: UInt8) -> [ArraySlice<UInt8>] {
        split(separator: separator, omittingEmptySubsequences: false)
    }

    /// The bytes before and after the first `separator`, or nil when there is none.
    func splitOnce(at separator: UInt8) -> (head: ArraySlice<UInt8>, tail: ArraySlice<UInt8>)? {
        guard let index = firstIndex(of: separator) else { return nil }
        return (self[startIndex..<index], self[(index + 1)..<endIndex])
    }

    /// A non-negative decimal number made only of digits, or nil when it is empty, holds any
    /// other byte, or does not fit in `T` (checked arithmetic: huge numbers never trap).
    func decimal<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        guard !isEmpty else { return nil }
        var value: T = 0
        for byte in self {
            guard ASCII.isDigit(byte) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(T(byte - ASCII.zero))
            if overflowA || overflowB { return nil }
            value = sum
        }
        return value
    }

    var containsWhitespace: Bool { contains(where: ASCII.isWhitespace) }
}

extension String {
    /// The UTF-8 bytes of a string, as a slice the byte scanners accept.
    var sdpBytes: ArraySlice<UInt8> { Array(utf8)[...] }
}
