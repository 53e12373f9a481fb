import Foundation

extension TrunkRegistration {
    /// How one trunk registers: where, for how long, and how it backs off and fails over.
    ///
    /// The defaults follow common practice for SIP trunks: ask for an hour, refresh at 50-80 %
    /// of what was granted (never later than 5 s before expiry), back off from 30 s doubling to
    /// 30 min, wait 5 min after the registrar refused the credentials, and move to the secondary
    /// registrar after two consecutive failures.
    public struct Configuration: Sendable, Equatable {
        /// The registrar's SIP URI (Request-URI of the REGISTER).
        public var primaryRegistrar: String
        /// An alternate registrar used after `failoverAfter` consecutive failures.
        public var secondaryRegistrar: String?
        /// The Expires we ask for, in seconds.
        public var expires: Int
        /// The share of the granted interval after which to refresh, chosen at random inside.
        public var refreshWindow: ClosedRange<Double>
        /// A refresh is never planned later than this before the binding expires.
        public var refreshMargin: Duration
        /// Back-off after failures other than authentication.
        public var backoff: BackoffPolicy
        /// The wait after the registrar refused the credentials (jittered like the back-off).
        public var authFailureDelay: Duration
        /// The longest Retry-After honoured; longer values are cut to this.
        public var maximumRetryAfter: Duration
        /// Switch registrar after this many consecutive failures (when a secondary exists).
        public var failoverAfter: Int
        /// The wait before the first attempt on the other registrar after a switch.
        public var failoverDelay: Duration
        /// After this long registered on the secondary, a REGISTER probes the primary; on
        /// success the machine stays there (the secondary's binding lapses by itself), on failure
        /// it registers on the secondary again at once.
        public var primaryReturnAfter: Duration
        /// The longest wait for a final response before the attempt counts as unanswered
        /// (above SIP's 32 s transaction timeout, so the SIP layer normally reports first).
        public var responseTimeout: Duration
        /// The longest wait for the answer to the un-REGISTER when stopping.
        public var unregisterTimeout: Duration
        /// How many 423 answers in a row are followed before the attempt counts as failed.
        public var maximumIntervalTooBrief: Int

        public init(primaryRegistrar: String, secondaryRegistrar: String? = nil, expires: Int = 3600,
                    refreshWindow: ClosedRange<Double> = 0.5...0.8, refreshMargin: Duration = .seconds(5),
                    backoff: BackoffPolicy = BackoffPolicy(), authFailureDelay: Duration = .seconds(300),
                    maximumRetryAfter: Duration = .seconds(3600), failoverAfter: Int = 2,
                    failoverDelay: Duration = .zero, primaryReturnAfter: Duration = .seconds(1800),
                    responseTimeout: Duration = .seconds(40), unregisterTimeout: Duration = .seconds(10),
                    maximumIntervalTooBrief: Int = 3) {
            self.primaryRegistrar = primaryRegistrar
            self.secondaryRegistrar = secondaryRegistrar
            self.expires = expires
            self.refreshWindow = refreshWindow
            self.refreshMargin = refreshMargin
            self.backoff = backoff
            self.authFailureDelay = authFailureDelay
            self.maximumRetryAfter = maximumRetryAfter
            self.failoverAfter = failoverAfter
            self.failoverDelay = failoverDelay
            self.primaryReturnAfter = primaryReturnAfter
            self.responseTimeout = responseTimeout
            self.unregisterTimeout = unregisterTimeout
            self.maximumIntervalTooBrief = maximumIntervalTooBrief
        }

        /// Throws for the first setting that cannot work.
        public func validate() throws(TrunkConfigurationError) {
            func check(_ ok: Bool, _ setting: String, _ reason: String) throws(TrunkConfigurationError) {
                if !ok { throw TrunkConfigurationError(setting: setting, reason: reason) }
            }
            try check(!primaryRegistrar.trimmingCharacters(in: .whitespaces).isEmpty,
                      "primaryRegistrar", "is empty")
            if let secondaryRegistrar {
                try check(!secondaryRegistrar.trimmingCharacters(in: .whitespaces).isEmpty,
                          "secondaryRegistrar", "is empty")
            }
            try check(expires > 0, "expires", "must be positive, got \(expires)")
            try check(refreshWindow.lowerBound > 0 && refreshWindow.upperBound < 1,
                      "refreshWindow", "must lie strictly inside 0...1, got \(refreshWindow)")
            try check(refreshMargin >= .zero, "refreshMargin", "must not be negative")
            if let problem = backoff.problem { try check(false, "backoff", problem) }
            try check(authFailureDelay > .zero, "authFailureDelay", "must be positive")
            try check(maximumRetryAfter > .zero, "maximumRetryAfter", "must be positive")
            try check(failoverAfter >= 1, "failoverAfter", "must be at least 1, got \(failoverAfter)")
            try check(failoverDelay >= .zero, "failoverDelay", "must not be negative")
            try check(primaryReturnAfter > .zero, "primaryReturnAfter", "must be positive")
            try check(responseTimeout > .zero, "responseTimeout", "must be positive")
            try check(unregisterTimeout > .zero, "unregisterTimeout", "must be positive")
            try check(maximumIntervalTooBrief >= 0, "maximumIntervalTooBrief", "must not be negative")
        }
    }
}

/// A ``TrunkRegistration/Configuration`` that cannot work, with the offending setting.
public struct TrunkConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting's name, e.g. `expires`.
    public let setting: String
    /// What is wrong with it.
    public let reason: String

    public init(setting: String, reason: String) {
        self.setting = setting
        self.reason = reason
    }

    public var description: String { "trunk configuration: \(setting): \(reason)" }
}
