import Foundation
import Media
import SDP

/// What Parley's own call control adds to one leg (a ``Call`` or an ``OutboundLeg``): the inbound
/// call it is bridged with when two inbound legs meet without an outgoing one (after an attended
/// transfer or an INVITE with Replaces), whether Parley holds it, and our re-INVITE in flight.
/// SIP thread only.
final class LegControl {
    /// The other inbound call sharing this call's room (Call legs only).
    weak var peer: Call?
    /// Parley put this leg on hold (our last offer said sendonly or inactive): its answers keep
    /// the hold and it hears music until we resume it.
    var heldByUs = false
    /// Our re-INVITE in flight (one at a time).
    var reinvite: ReinviteAttempt?
}

/// One Parley-initiated re-INVITE (hold or resume), retried after a 491 (RFC 3261 §14.1).
final class ReinviteAttempt {
    let hold: Bool
    let direction: MediaDirection
    /// The offer in flight (replaced on every retry: each one is a new SDP version).
    var offer: PendingOffer
    /// Attempts sent so far (the first one included).
    var attempts = 1
    /// The retry timer while waiting out a 491.
    var timer: UInt64?
    private var completion: ((Result<Void, CallControlError>) -> Void)?

    static let maximumAttempts = 4

    init(hold: Bool, direction: MediaDirection, offer: PendingOffer,
         completion: @escaping (Result<Void, CallControlError>) -> Void) {
        self.hold = hold
        self.direction = direction
        self.offer = offer
        self.completion = completion
    }

    /// Reports the outcome once; later calls do nothing.
    func finish(_ result: Result<Void, CallControlError>) {
        let done = completion
        completion = nil
        done?(result)
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
