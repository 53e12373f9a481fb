/// The parameters of an SDP `a=fmtp` line (RFC 8866 §6.15), as `name=value` pairs separated by
/// semicolons, e.g. `useinbandfec=1; stereo=0; maxaveragebitrate=20000` for Opus.
///
/// Names are compared case-insensitively (media type parameters are, RFC 6838 §4.3) and kept
/// lower-cased; values are kept as written. A piece without `=` (telephone-event's `0-16`) is
/// kept as a name with an empty value. Parsing never fails: typed reads such as
/// ``integer(_:)`` report a malformed value.
public struct FormatParameters: Sendable, Hashable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    /// The pairs in the order they were written (a repeated name keeps its first value).
    public private(set) var pairs: [(name: String, value: String)]

    /// At most this many pairs are kept from a line: more is no codec's fmtp.
    public static let maximumPairs = 64

    public init() {
        pairs = []
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        pairs = []
        for (name, value) in elements { self[name] = value }
    }

    /// Reads the text after the payload type in `a=fmtp:<pt> <parameters>`.
    public init(parsing text: String) {
        pairs = []
        for piece in text.split(separator: ";", omittingEmptySubsequences: true) {
            guard pairs.count < Self.maximumPairs else { break }
            let trimmed = piece.trimmingSpaces
            guard !trimmed.isEmpty else { continue }
            if let equals = trimmed.firstIndex(of: "=") {
                let name = trimmed[..<equals].trimmingSpaces.lowercased()
                let value = String(trimmed[trimmed.index(after: equals)...].trimmingSpaces)
                if !name.isEmpty, self[name] == nil { pairs.append((name, value)) }
            } else if self[trimmed.lowercased()] == nil {
                pairs.append((trimmed.lowercased(), ""))
            }
        }
    }

    /// The value for `name`, nil when absent. Setting nil removes it.
    public subscript(name: String) -> String? {
        get {
            let key = name.lowercased()
            return pairs.first { $0.name == key }?.value
        }
        set {
            let key = name.lowercased()
            if let index = pairs.firstIndex(where: { $0.name == key }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// A decimal value, nil when absent; throws when present but not a decimal within `range`.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(CodecError) -> Int? {
        guard let text = self[name] else { return nil }
        guard text.utf8.count <= 10, let value = Int(text), range.contains(value) else {
            throw .invalidFormatParameter(name: name.lowercased(), value: text)
        }
        return value
    }

    /// A `0`/`1` flag, nil when absent; throws for any other value.
    public func flag(_ name: String) throws(CodecError) -> Bool? {
        try integer(name, in: 0...1).map { $0 == 1 }
    }

    /// The fmtp text, `name=value` pairs joined by `;` (RFC 7587 §7 writes them so).
    public var description: String {
        pairs.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: ";")
    }

    public static func == (lhs: FormatParameters, rhs: FormatParameters) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && lhs.pairs.allSatisfy { rhs[$0.name] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs.sorted(by: { $0.name < $1.name }) {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) })
        else { return Substring() }
        return Substring(self[first...last])
    }
}
