import Foundation

/// What the machine does with the outcome of a REGISTER: success, 423, failure and failover.
extension TrunkRegistration {
    /// The most a 423's Min-Expires may ask for before it counts as nonsense (one week).
    static let largestMinExpires = 7 * 24 * 3600

    mutating func received(_ response: RegisterResponse, now: Date) {
        guard let flight = inFlight, flight.request.id == response.requestID else { return }  // stale
        guard response.status >= 200 else { return }  // provisional: keep waiting
        inFlight = nil
        cancel(.responseGuard)
        lastStatusCode = response.status
        lastReason = response.phrase
        if flight.purpose == .unregister {
            finishStop(now: now)
            return
        }
        switch response.status {
        case 200..<300:
            succeeded(flight, granted: response.expires ?? flight.request.expires, now: now)
        case 423:
            intervalTooBrief(flight, minExpires: response.minExpires, now: now)
        case 401, 403, 407:
            // Sofia answers 401/407 challenges itself: a final one means the credentials failed.
            failed(flight, .authentication(status: response.status, phrase: response.phrase),
                   retryAfter: response.retryAfter, now: now)
        default:
            failed(flight, .rejected(status: response.status, phrase: response.phrase),
                   retryAfter: response.retryAfter, now: now)
        }
    }

    mutating func requestFailed(_ id: RegisterRequestID, _ failure: TrunkFailure, now: Date) {
        guard let flight = inFlight, flight.request.id == id else { return }  // stale
        inFlight = nil
        cancel(.responseGuard)
        lastStatusCode = nil
        lastReason = "\(failure)"
        if flight.purpose == .unregister {
            finishStop(now: now)  // nobody to tell: the binding lapses by itself
        } else {
            failed(flight, failure, retryAfter: nil, now: now)
        }
    }

    mutating func succeeded(_ flight: InFlight, granted: Int, now: Date) {
        guard granted > 0 else {
            failed(flight, .protocolViolation("a 2xx granted \(granted) s"), retryAfter: nil, now: now)
            return
        }
        if flight.purpose == .probePrimary { onSecondary = false }
        consecutiveFailures = 0
        intervalTooBriefCount = 0
        bindingRegistrar = flight.request.registrar
        let until = now.addingTimeInterval(TimeInterval(granted))
        registeredUntil = until
        let delay = refreshDelay(granted: granted)
        arm(.refresh, after: delay)
        nextAttempt = now.adding(delay)
        if onSecondary {
            // The period counts from the first success on the secondary, not from each refresh.
            if timers[.returnToPrimary] == nil { arm(.returnToPrimary, after: configuration.primaryReturnAfter) }
        } else {
            cancel(.returnToPrimary)
        }
        setState(.registered(until: until))
    }

    /// When to refresh a binding granted for `granted` seconds: a random point in the refresh
    /// window, never later than `refreshMargin` before expiry (unless the grant is too short to
    /// allow both, then at the window's start), and never sooner than 1 s.
    mutating func refreshDelay(granted: Int) -> Duration {
        let seconds = TimeInterval(granted)
        let window = configuration.refreshWindow
        let share = window.lowerBound + (window.upperBound - window.lowerBound) * unitRandom()
        let latest = seconds - configuration.refreshMargin.timeInterval
        var delay = min(seconds * share, latest)
        if delay < seconds * window.lowerBound { delay = seconds * window.lowerBound }
        return .timeInterval(max(delay, 1))
    }

    /// RFC 3261 §10.2.8: ask again at once for at least Min-Expires, a bounded number of times.
    mutating func intervalTooBrief(_ flight: InFlight, minExpires: Int?, now: Date) {
        intervalTooBriefCount += 1
        guard let minExpires, minExpires > flight.request.expires, minExpires <= Self.largestMinExpires,
              intervalTooBriefCount <= configuration.maximumIntervalTooBrief
        else {
            let detail = minExpires.map { "Min-Expires \($0)" } ?? "no Min-Expires"
            failed(flight, .protocolViolation("423 with \(detail) after asking for \(flight.request.expires) s"),
                   retryAfter: nil, now: now)
            return
        }
        expiresToRequest = minExpires
        send(flight.purpose, to: flight.request.registrar, now: now)
    }

    mutating func failed(_ flight: InFlight, _ failure: TrunkFailure, retryAfter: Int?, now: Date) {
        lastFailure = failure
        if flight.purpose == .probePrimary {
            // The primary is still not right: stay on the secondary (not counted as a failure).
            onSecondary = true
            send(.register, to: currentRegistrar, now: now)
            return
        }
        consecutiveFailures += 1
        let switching = configuration.secondaryRegistrar != nil
            && consecutiveFailures % configuration.failoverAfter == 0
        if switching {
            onSecondary.toggle()
            cancel(.returnToPrimary)
        }
        var delay: Duration
        if failure.isAuthentication {
            delay = BackoffPolicy.jittered(configuration.authFailureDelay, jitter: configuration.backoff.jitter,
                                           unit: unitRandom())
        } else if switching {
            delay = configuration.failoverDelay
        } else {
            delay = configuration.backoff.delay(afterFailures: consecutiveFailures, unit: unitRandom())
        }
        // Retry-After speaks for the registrar that sent it (RFC 3261 §21.5.4): honour it
        // unless the next attempt goes elsewhere.
        if !switching, let retryAfter, retryAfter > 0 {
            delay = max(delay, min(.seconds(retryAfter), configuration.maximumRetryAfter))
        }
        let retryAt = now.adding(delay)
        setState(.failed(reason: failure, retryAt: retryAt))
        if delay <= .zero {
            send(.register, to: currentRegistrar, now: now)
        } else {
            arm(.retry, after: delay)
            nextAttempt = retryAt
        }
    }
}
