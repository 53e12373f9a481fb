import Foundation

/// Brute-force protection for digest authentication: counts authentication failures per source
/// (IP, or IP and port) in a window and, past a threshold, blocks the source for a while, during
/// which its requests are refused with 403 or dropped silently. A sans-I/O value: the caller passes
/// the source and `now`, feeds it ``AuthOutcome/isFailure`` results, and acts on the returned
/// ``LimiterDecision``. Memory is bounded: counters and blocks live in two fixed-size LRU tables,
/// so a flood of spoofed sources can only push out other counters, never an active block (unless
/// the block table itself overflows, when the oldest block goes).
public struct AuthFailureLimiter: Sendable {
    public enum SourceKey: Sendable, Equatable {
        /// Count by IP address: a scanner cannot escape by changing ports.
        case host
        /// Count by IP and port: fairer when many phones share one NAT address.
        case hostAndPort
    }

    public struct Configuration: Sendable, Equatable {
        public var threshold: Int
        public var window: TimeInterval
        public var blockDuration: TimeInterval
        public var key: SourceKey
        /// ``LimiterDecision/Verdict/forbid`` or ``LimiterDecision/Verdict/drop`` for blocked sources.
        public var blockedVerdict: LimiterDecision.Verdict
        /// Most sources tracked at once in each table.
        public var capacity: Int
        /// Hosts never counted or blocked (trunks, monitoring).
        public var exemptHosts: Set<String>

        public init(threshold: Int = 10, window: TimeInterval = 60, blockDuration: TimeInterval = 600,
                    key: SourceKey = .host, blockedVerdict: LimiterDecision.Verdict = .forbid,
                    capacity: Int = 10_000, exemptHosts: Set<String> = []) {
            self.threshold = max(1, threshold)
            self.window = window
            self.blockDuration = blockDuration
            self.key = key
            self.blockedVerdict = blockedVerdict == .allow ? .forbid : blockedVerdict
            self.capacity = max(1, capacity)
            self.exemptHosts = Set(exemptHosts.map { $0.lowercased() })
        }
    }

    private struct Counter: Sendable {
        var windowStart: Date
        var failures: Int
    }

    public let configuration: Configuration
    private var counters: BoundedLRU<String, Counter>
    private var blocks: BoundedLRU<String, Date>

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        counters = BoundedLRU(capacity: configuration.capacity)
        blocks = BoundedLRU(capacity: configuration.capacity)
    }

    /// Sources with failures being counted.
    public var trackedSources: Int { counters.count }
    /// Sources currently (or until the next check) blocked.
    public var blockedSources: Int { blocks.count }

    /// Call before processing a request from `source`.
    public mutating func check(_ source: SourceAddress, now: Date) -> LimiterDecision {
        guard !isExempt(source) else { return LimiterDecision(verdict: .allow, reason: .exempt) }
        let key = key(for: source)
        if let until = blocks.peek(key) {
            if now < until { return LimiterDecision(verdict: configuration.blockedVerdict, reason: .blocked(until: until)) }
            blocks.removeValue(for: key)
            return LimiterDecision(verdict: .allow, reason: .blockExpired)
        }
        guard let counter = counters.peek(key), now.timeIntervalSince(counter.windowStart) < configuration.window else {
            return LimiterDecision(verdict: .allow, reason: .clean)
        }
        return LimiterDecision(verdict: .allow, reason: .counting(failures: counter.failures, threshold: configuration.threshold))
    }

    /// Call when a request from `source` failed authentication. The decision says whether this
    /// failure blocked the source (the current request may still be answered normally).
    public mutating func recordFailure(from source: SourceAddress, now: Date) -> LimiterDecision {
        guard !isExempt(source) else { return LimiterDecision(verdict: .allow, reason: .exempt) }
        let key = key(for: source)
        if let until = blocks.peek(key), now < until {
            return LimiterDecision(verdict: configuration.blockedVerdict, reason: .blocked(until: until))
        }
        var counter = counters.value(for: key) ?? Counter(windowStart: now, failures: 0)
        if now.timeIntervalSince(counter.windowStart) >= configuration.window {
            counter = Counter(windowStart: now, failures: 0)
        }
        counter.failures += 1
        guard counter.failures >= configuration.threshold else {
            counters.set(counter, for: key)
            return LimiterDecision(verdict: .allow, reason: .counting(failures: counter.failures, threshold: configuration.threshold))
        }
        counters.removeValue(for: key)
        let until = now.addingTimeInterval(configuration.blockDuration)
        blocks.set(until, for: key)
        return LimiterDecision(verdict: configuration.blockedVerdict, reason: .blockedNow(failures: counter.failures, until: until))
    }

    /// Call when a request from `source` authenticated: its failure count starts again.
    public mutating func recordSuccess(from source: SourceAddress) {
        counters.removeValue(for: key(for: source))
    }

    private func isExempt(_ source: SourceAddress) -> Bool {
        !configuration.exemptHosts.isEmpty && configuration.exemptHosts.contains(source.host.lowercased())
    }

    private func key(for source: SourceAddress) -> String {
        let host = source.host.lowercased()
        return configuration.key == .host ? host : SourceAddress(host: host, port: source.port).description
    }
}
