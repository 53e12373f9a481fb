/// Temporal's activity retry policy: exponential backoff from `initialInterval` by
/// `backoffCoefficient`, capped at `maximumInterval`, for at most `maximumAttempts` attempts
/// (nil: no limit, as Temporal's 0). A failure whose type is listed in
/// `nonRetryableErrorTypes`, or that marks itself non-retryable, is never retried; a failure
/// that carries `nextRetryDelay` (an HTTP 429's Retry-After) waits exactly that long.
public struct RetryPolicy: Sendable, Equatable, WireCodable {
    public var initialInterval: Duration
    public var backoffCoefficient: Double
    public var maximumInterval: Duration
    public var maximumAttempts: Int?
    public var nonRetryableErrorTypes: [String]

    public init(
        initialInterval: Duration = .seconds(1),
        backoffCoefficient: Double = 2,
        maximumInterval: Duration? = nil,
        maximumAttempts: Int? = nil,
        nonRetryableErrorTypes: [String] = []
    ) {
        self.initialInterval = initialInterval
        self.backoffCoefficient = max(1, backoffCoefficient)
        self.maximumInterval = maximumInterval ?? initialInterval * 100
        self.maximumAttempts = maximumAttempts
        self.nonRetryableErrorTypes = nonRetryableErrorTypes
    }

    /// Never retry.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// What to do after attempt number `attempt` (1-based) failed with `failure`:
    /// nil to give up, else the delay before the next attempt.
    public func delay(after attempt: Int, failure: ActivityFailure) -> Duration? {
        if failure.nonRetryable || nonRetryableErrorTypes.contains(failure.type) { return nil }
        if let maximumAttempts, maximumAttempts > 0, attempt >= maximumAttempts { return nil }
        if let requested = failure.nextRetryDelay { return max(requested, .zero) }
        let initial = Double(initialInterval.nanoseconds)
        let exponent = Double(max(0, attempt - 1))
        let scaled = initial * _pow(backoffCoefficient, exponent)
        let capped = min(scaled, Double(maximumInterval.nanoseconds))
        return .nanoseconds(Int64(capped.isFinite ? capped : Double(maximumInterval.nanoseconds)))
    }

    public func encode(to writer: inout WireWriter) {
        initialInterval.encode(to: &writer)
        backoffCoefficient.encode(to: &writer)
        maximumInterval.encode(to: &writer)
        maximumAttempts.encode(to: &writer)
        nonRetryableErrorTypes.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        initialInterval = try reader.read()
        backoffCoefficient = try reader.read()
        maximumInterval = try reader.read()
        maximumAttempts = try reader.read()
        nonRetryableErrorTypes = try reader.read()
    }
}

/// Integer-exponent power without Foundation, exact for the small exponents used here.
private func _pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(min(exponent, 1024))
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result.isInfinite { break }
    }
    return result
}

/// How an activity attempt failed. Activity code throws this (any other error becomes one with
/// the error's type name); the final failure is recorded in the log.
public struct ActivityFailure: Error, Equatable, Sendable, WireCodable, CustomStringConvertible {
    /// A stable name matched against `RetryPolicy.nonRetryableErrorTypes` ("HTTP400", "Timeout").
    public var type: String
    public var message: String
    /// Never retry this failure, whatever the policy says.
    public var nonRetryable: Bool
    /// Wait exactly this long before the next attempt (an HTTP 429 Retry-After).
    public var nextRetryDelay: Duration?
    /// Attempts made when this failure became final (set by the engine).
    public var attempts: Int

    public init(type: String, message: String = "", nonRetryable: Bool = false,
                nextRetryDelay: Duration? = nil, attempts: Int = 0) {
        self.type = type
        self.message = message
        self.nonRetryable = nonRetryable
        self.nextRetryDelay = nextRetryDelay
        self.attempts = attempts
    }

    /// The type name given to attempts that exceeded `startToCloseTimeout`.
    public static let timeoutType = "ActivityTimeout"

    public var description: String { "\(type): \(message) (after \(attempts) attempt(s))" }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: type)
        writer.write(string: message)
        writer.write(bool: nonRetryable)
        nextRetryDelay.encode(to: &writer)
        writer.write(signed: Int64(attempts))
    }

    public init(from reader: inout WireReader) throws(WireError) {
        type = try reader.readString("ActivityFailure.type")
        message = try reader.readString("ActivityFailure.message")
        nonRetryable = try reader.readBool()
        nextRetryDelay = try reader.read()
        attempts = try reader.read(Int.self)
    }
}
