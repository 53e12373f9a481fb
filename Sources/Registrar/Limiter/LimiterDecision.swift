import Foundation

/// What to do with a request from a source, and why (for the log line).
public struct LimiterDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Verdict: Sendable, Equatable {
        case allow
        /// Answer 403 without looking at the request further.
        case forbid
        /// Send nothing at all (the scanner learns nothing, not even that we exist).
        case drop
    }

    public var verdict: Verdict
    public var reason: LimiterReason

    /// The reply for ``Verdict/forbid``; nil for allow and drop.
    public var reply: Reply? { verdict == .forbid ? .forbidden() : nil }

    public var description: String { "\(verdict): \(reason)" }
}

/// Why the limiter decided as it did.
public enum LimiterReason: Sendable, Equatable, CustomStringConvertible {
    /// No recent failures from this source.
    case clean
    /// The source is on the exempt list.
    case exempt
    /// Failures so far in the current window.
    case counting(failures: Int, threshold: Int)
    /// This failure reached the threshold; the source is blocked until the date.
    case blockedNow(failures: Int, until: Date)
    /// Still blocked.
    case blocked(until: Date)
    /// A block ran out; the source starts clean.
    case blockExpired

    public var description: String {
        switch self {
        case .clean: return "no recent failures"
        case .exempt: return "exempt source"
        case .counting(let failures, let threshold): return "\(failures)/\(threshold) failures in window"
        case .blockedNow(let failures, let until):
            return "blocked after \(failures) failures until \(until.timeIntervalSince1970)"
        case .blocked(let until): return "blocked until \(until.timeIntervalSince1970)"
        case .blockExpired: return "block expired"
        }
    }
}
