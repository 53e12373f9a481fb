import Foundation

/// Exponential back-off with jitter for failed registration attempts.
///
/// After the n-th consecutive failure the base delay is `initial × multiplierⁿ⁻¹`, capped at
/// `maximum`; the delay used is that base minus a random share of up to `jitter` of it, so many
/// trunks that failed together (a registrar restart) do not come back in step (RFC 5626 §4.5
/// recommends the same shape for flow recovery).
public struct BackoffPolicy: Sendable, Equatable {
    /// The base delay after the first failure.
    public var initial: Duration
    /// The largest base delay.
    public var maximum: Duration
    /// How much the base grows per further failure (at least 1).
    public var multiplier: Double
    /// The largest share of the base taken off at random, in 0...1 (0 = no jitter).
    public var jitter: Double

    public init(initial: Duration = .seconds(30), maximum: Duration = .seconds(1800),
                multiplier: Double = 2, jitter: Double = 0.25) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The base delay after `failures` consecutive failures (1 for the first); 0 or less counts
    /// as 1.
    public func baseDelay(afterFailures failures: Int) -> Duration {
        let exponent = Double(max(failures, 1) - 1)
        let raw = initial.timeInterval * pow(multiplier, exponent)  // may be +inf: capped below
        return .timeInterval(Swift.min(raw, maximum.timeInterval))
    }

    /// The delay to use, with `unit` (a random number in 0...1) choosing the jitter.
    public func delay(afterFailures failures: Int, unit: Double) -> Duration {
        Self.jittered(baseDelay(afterFailures: failures), jitter: jitter, unit: unit)
    }

    /// `base` minus `jitter × unit` of it (`unit` is clamped to 0...1).
    static func jittered(_ base: Duration, jitter: Double, unit: Double) -> Duration {
        let share = Swift.min(Swift.max(jitter, 0), 1) * Swift.min(Swift.max(unit, 0), 1)
        return .timeInterval(base.timeInterval * (1 - share))
    }

    /// Why the policy is unusable, or nil.
    var problem: String? {
        if initial <= .zero { return "initial back-off must be positive" }
        if maximum < initial { return "maximum back-off is below the initial one" }
        if !(multiplier >= 1) || !multiplier.isFinite { return "multiplier must be a finite number >= 1" }
        if !(0...1).contains(jitter) { return "jitter must be within 0...1" }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's dates count them.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// A duration of `seconds` (negative and NaN become zero; huge values are capped at 100 years).
    static func timeInterval(_ seconds: TimeInterval) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64((Swift.min(seconds, 3_155_760_000) * 1000).rounded()))
    }
}

extension Date {
    func adding(_ duration: Duration) -> Date { addingTimeInterval(duration.timeInterval) }
}
