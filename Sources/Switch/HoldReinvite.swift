import SDP

/// One Parley-initiated re-INVITE on a leg (hold or resume) as a sans-I/O machine: the switch feeds
/// it the responses and the retry timer and carries out the actions it returns.
///
/// - Hold offers `sendonly`, or `inactive` when the far end already holds us (we may not send:
///   RFC 6337 §5.3); resume offers `sendrecv`.
/// - A 491 (glare, RFC 3261 §14.1) is retried with a fresh offer after a random wait: 2.1-4 s when
///   we own the dialog's Call-ID, else 0-2 s; at most ``maximumAttempts`` INVITEs in all.
/// - A 2xx means the answer is to be applied; any other final status fails, and 481/408 also end
///   the dialog (RFC 3261 §12.2.1.2).
struct HoldReinvite {
    enum Event: Equatable {
        /// A response to our INVITE (provisional ones change nothing).
        case response(status: Int)
        /// The wait after a 491 is over.
        case retryTimerFired
        /// The leg ended first.
        case legEnded
    }

    enum Action: Equatable {
        /// Send the re-INVITE with a new offer (our next SDP version) in this direction.
        case sendOffer(MediaDirection)
        case scheduleRetry(milliseconds: Int)
        /// Read the answer in the 2xx and apply it (held or resumed); the request succeeded.
        case applyAnswer
        case fail(CallControlError)
        /// The dialog is gone: end the call.
        case endDialog(status: Int)
    }

    enum State: Equatable { case idle, awaitingResponse, awaitingRetry, finished }

    static let maximumAttempts = 4

    let hold: Bool
    let direction: MediaDirection
    let ownsCallID: Bool
    private(set) var state = State.idle
    private(set) var attempts = 0

    /// `farEndLetsUsSend`: whether our current direction sends (the far end has not put us on hold).
    init(hold: Bool, farEndLetsUsSend: Bool, ownsCallID: Bool) {
        self.hold = hold
        direction = hold ? (farEndLetsUsSend ? .sendonly : .inactive) : .sendrecv
        self.ownsCallID = ownsCallID
    }

    mutating func start() -> [Action] {
        guard state == .idle else { return [] }
        return send()
    }

    mutating func handle<R: RandomNumberGenerator>(_ event: Event, random: inout R) -> [Action] {
        switch (state, event) {
        case (.finished, _), (.idle, _):
            return []
        case (_, .legEnded):
            state = .finished
            return [.fail(.callEnded)]
        case (.awaitingRetry, .retryTimerFired):
            return send()
        case (.awaitingResponse, .response(let status)):
            switch status {
            case ..<200:
                return []
            case 200..<300:
                state = .finished
                return [.applyAnswer]
            case 491 where attempts < Self.maximumAttempts:
                state = .awaitingRetry
                return [.scheduleRetry(milliseconds: GlareBackoff.delayMilliseconds(ownsCallID: ownsCallID, using: &random))]
            case 481, 408:
                state = .finished
                return [.fail(.rejected(status: status)), .endDialog(status: status)]
            default:
                state = .finished
                return [.fail(.rejected(status: status))]
            }
        case (.awaitingResponse, .retryTimerFired), (.awaitingRetry, .response):
            return []
        }
    }

    private mutating func send() -> [Action] {
        attempts += 1
        state = .awaitingResponse
        return [.sendOffer(direction)]
    }
}

/// RFC 3261 §14.1: after a 491 the UAC waits a random time in units of 10 ms before retrying:
/// 2.1-4 s when it owns the dialog's Call-ID (it sent the initial INVITE), else 0-2 s.
enum GlareBackoff {
    static func delayMilliseconds<R: RandomNumberGenerator>(ownsCallID: Bool, using random: inout R) -> Int {
        let ticks = ownsCallID ? Int.random(in: 210...400, using: &random) : Int.random(in: 0...200, using: &random)
        return ticks * 10
    }
}
