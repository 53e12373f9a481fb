/// Why a session description could not be parsed.
///
/// `line` is the 1-based physical line of the input (lines are counted by LF) that caused the
/// error. Line 0 means the input as a whole (for example, it is larger than
/// ``SDPLimits/maxBytes``). `reason` names the field and what was wrong with it, for example
/// `"m= line: port is not a number"`.
public struct SDPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line == 0 ? "SDP: \(reason)" : "SDP line \(line): \(reason)"
    }
}

/// Size limits applied to untrusted input before and while parsing.
///
/// Real session descriptions from phones and gateways are a few hundred bytes with one to four
/// media sections; these limits are far above that and only stop hostile or broken input from
/// costing memory and time.
public enum SDPLimits {
    /// Largest accepted input, in bytes.
    public static let maxBytes = 64 * 1024
    /// Largest accepted number of physical lines (blank lines included).
    public static let maxLines = 1024
    /// Largest accepted number of m= sections.
    public static let maxMediaSections = 64
}
