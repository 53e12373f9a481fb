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

/// The I/O side of one ``HoldReinvite``: the offer in flight, the retry timer, and who waits for
/// the outcome. SIP thread only.
final class ReinviteAttempt {
    var machine: HoldReinvite
    /// The offer in flight (a new SDP version on every retry).
    var offer: PendingOffer?
    /// The retry timer while waiting out a 491.
    var timer: UInt64?
    private var completion: ((Result<Void, CallControlError>) -> Void)?

    init(machine: HoldReinvite, completion: @escaping (Result<Void, CallControlError>) -> Void) {
        self.machine = machine
        self.completion = completion
    }

    /// Reports the outcome once; later calls do nothing.
    func finish(_ result: Result<Void, CallControlError>) {
        let done = completion
        completion = nil
        done?(result)
    }
}
