import Foundation

/// Trunks: keeps Parley registered with its SIP trunk providers, and says which source
/// addresses a trunk or trusted list accepts (``IPAccessList``).
///
/// `TrunkRegistration` is the sans-I/O state machine of one trunk's registration (RFC 3261 §10):
/// the SIP layer feeds it events (start, stop, timers, final responses, transport errors,
/// network changes) with the current time, and it answers with actions (send a REGISTER, arm or
/// cancel a timer, publish a new state). It refreshes before expiry, backs off with jitter,
/// honours Retry-After and Min-Expires, fails over between two registrars and unregisters on
/// stop. Digest challenges are answered by the SIP layer (Sofia), so the machine only sees final
/// results. It owns no socket, no timer and no clock, and must not import the SIP or Switch
/// modules: the composition root wires it to them. Randomness (jitter) is injected.
public struct TrunkRegistration: Sendable {
    /// What a request in flight is for.
    enum Purpose: Sendable, Equatable {
        /// A registration or refresh on the registrar in use.
        case register
        /// A registration on the primary while registered on the secondary.
        case probePrimary
        /// Expires: 0 while stopping.
        case unregister
    }

    struct InFlight: Sendable {
        var request: TrunkRegisterRequest
        var purpose: Purpose
    }

    public let configuration: Configuration

    var random: any RandomNumberGenerator & Sendable
    var state: TrunkState = .unregistered
    var onSecondary = false
    var inFlight: InFlight?
    var timers: [TrunkTimerKind: TrunkTimerID] = [:]
    var requestSequence: UInt64 = 0
    var timerSequence: UInt64 = 0
    /// The registrar that granted the binding we hold (where to send the un-REGISTER).
    var bindingRegistrar: String?
    var registeredUntil: Date?
    var expiresToRequest: Int
    var intervalTooBriefCount = 0
    var consecutiveFailures = 0
    var lastStatusCode: Int?
    var lastReason: String?
    var lastFailure: TrunkFailure?
    var nextAttempt: Date?
    /// A start that arrived while unregistering; honoured once stopped.
    var startPending = false
    var output: [TrunkAction] = []

    /// A machine for `configuration`, taking jitter from `random` (a seeded generator in tests).
    public init(configuration: Configuration,
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator())
    throws(TrunkConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.random = random
        self.expiresToRequest = configuration.expires
    }

    /// The registrar attempts currently go to.
    public var currentRegistrar: String {
        onSecondary ? (configuration.secondaryRegistrar ?? configuration.primaryRegistrar) : configuration.primaryRegistrar
    }

    /// A snapshot for logs and the API.
    public var status: TrunkStatus {
        TrunkStatus(state: state, registrar: currentRegistrar, usingSecondary: onSecondary,
                    lastStatusCode: lastStatusCode, lastReason: lastReason, nextAttempt: nextAttempt,
                    consecutiveFailures: consecutiveFailures, registeredUntil: registeredUntil,
                    lastFailure: lastFailure)
    }

    /// Feeds one event at time `now`; returns what the shell must do, in order.
    public mutating func handle(_ event: TrunkEvent, now: Date) -> [TrunkAction] {
        output = []
        switch event {
        case .start: start(now: now)
        case .stop: stop(now: now)
        case .timerFired(let id): timerFired(id, now: now)
        case .response(let response): received(response, now: now)
        case .transportError(let id, let description): requestFailed(id, .transport(description), now: now)
        case .timedOut(let id): requestFailed(id, .noResponse, now: now)
        case .networkChanged:
            // New addresses make the binding stale: register again at once (RFC 5626 §4.4.1).
            if state.isActive { send(.register, to: currentRegistrar, now: now) }
        }
        let actions = output
        output = []
        return actions
    }

    // MARK: - Start and stop

    mutating func start(now: Date) {
        switch state {
        case .unregistered, .stopped:
            onSecondary = false
            consecutiveFailures = 0
            intervalTooBriefCount = 0
            expiresToRequest = configuration.expires
            send(.register, to: configuration.primaryRegistrar, now: now)
        case .unregistering:
            startPending = true
        case .registering, .registered, .failed:
            break
        }
    }

    mutating func stop(now: Date) {
        switch state {
        case .unregistered, .stopped:
            return
        case .unregistering:
            startPending = false
            return
        case .registering, .registered, .failed:
            break
        }
        cancelAllTimers()
        let holdsBinding = registeredUntil.map { now < $0 } ?? false
        let target: String? = holdsBinding ? bindingRegistrar : inFlight?.request.registrar
        guard let target, inFlight?.purpose != .unregister else {
            finishStop(now: now)
            return
        }
        let request = TrunkRegisterRequest(id: nextRequestID(), registrar: target, expires: 0)
        inFlight = InFlight(request: request, purpose: .unregister)
        nextAttempt = nil
        output.append(.sendUnregister(request))
        arm(.responseGuard, after: configuration.unregisterTimeout)
        setState(.unregistering)
    }

    mutating func finishStop(now: Date) {
        cancelAllTimers()
        inFlight = nil
        onSecondary = false
        registeredUntil = nil
        bindingRegistrar = nil
        nextAttempt = nil
        setState(.stopped)
        if startPending {
            startPending = false
            start(now: now)
        }
    }

    // MARK: - Timers

    mutating func timerFired(_ id: TrunkTimerID, now: Date) {
        guard timers[id.kind] == id else { return }  // cancelled or replaced: stale
        timers[id.kind] = nil
        switch id.kind {
        case .refresh, .retry:
            if state.isActive && inFlight == nil { send(.register, to: currentRegistrar, now: now) }
        case .responseGuard:
            if let inFlight { requestFailed(inFlight.request.id, .noResponse, now: now) }
        case .returnToPrimary:
            returnToPrimaryFired(now: now)
        }
    }

    mutating func returnToPrimaryFired(now: Date) {
        guard onSecondary, state.isActive else { return }
        guard case .registered = state, inFlight == nil else {
            // Busy (a refresh in flight) or failing (alternation handles it): look again later.
            if case .registered = state { arm(.returnToPrimary, after: configuration.primaryReturnAfter) }
            return
        }
        send(.probePrimary, to: configuration.primaryRegistrar, now: now)
    }

    mutating func arm(_ kind: TrunkTimerKind, after delay: Duration) {
        cancel(kind)
        timerSequence &+= 1
        let id = TrunkTimerID(kind: kind, sequence: timerSequence)
        timers[kind] = id
        output.append(.startTimer(id, after: delay))
    }

    mutating func cancel(_ kind: TrunkTimerKind) {
        if let id = timers.removeValue(forKey: kind) { output.append(.cancelTimer(id)) }
    }

    mutating func cancelAllTimers() {
        for kind in TrunkTimerKind.allCases { cancel(kind) }
    }

    // MARK: - Sending

    /// Sends a REGISTER for `purpose` to `registrar` now, replacing any request in flight.
    mutating func send(_ purpose: Purpose, to registrar: String, now: Date) {
        cancel(.retry)
        cancel(.refresh)
        let request = TrunkRegisterRequest(id: nextRequestID(), registrar: registrar, expires: expiresToRequest)
        inFlight = InFlight(request: request, purpose: purpose)
        nextAttempt = nil
        output.append(.sendRegister(request))
        arm(.responseGuard, after: configuration.responseTimeout)
        // A refresh keeps the public state: the binding still holds until it expires.
        if case .registered(let until) = state, now < until { return }
        setState(.registering)
    }

    mutating func nextRequestID() -> RegisterRequestID {
        requestSequence &+= 1
        return RegisterRequestID(rawValue: requestSequence)
    }

    mutating func setState(_ new: TrunkState) {
        guard new != state else { return }
        state = new
        output.append(.stateChanged(new))
    }

    /// A random number in 0...1 for jitter (53 random bits, so both ends are reachable).
    mutating func unitRandom() -> Double {
        Double(random.next() >> 11) / Double((UInt64(1) << 53) - 1)
    }
}
