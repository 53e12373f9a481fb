import Foundation
import Logging
import Media
import SIP

/// One of Parley's dialogs seen as a party to a bridge: the inbound leg of a call (we answered
/// its INVITE: UAS) or an outgoing leg (we sent the INVITE: UAC). Transfers, Replaces and
/// Parley-initiated hold work on parties so they need not care which kind a leg is. SIP thread only.
enum Party {
    case inbound(Call)
    case outbound(OutboundLeg)

    var handle: SIPHandle {
        switch self {
        case .inbound(let call): call.handle
        case .outbound(let leg): leg.handle
        }
    }

    var stream: MediaStream {
        switch self {
        case .inbound(let call): call.stream
        case .outbound(let leg): leg.stream
        }
    }

    var control: LegControl {
        switch self {
        case .inbound(let call): call.control
        case .outbound(let leg): leg.control
        }
    }

    var audio: NegotiatedAudio? {
        switch self {
        case .inbound(let call): call.audio
        case .outbound(let leg): leg.audio
        }
    }

    /// The room the party's audio meets in (its call's two-party room, or its conference's).
    var room: Room? {
        switch self {
        case .inbound(let call): call.room ?? call.conference?.room
        case .outbound(let leg): leg.call?.room
        }
    }

    /// The call this party belongs to (for logs and lookups).
    var call: Call? {
        switch self {
        case .inbound(let call): call
        case .outbound(let leg): leg.call
        }
    }

    /// Our side of the dialog.
    var role: ReplacesDecision.Role {
        switch self {
        case .inbound(let call): call.dialledByParley ? .uac : .uas
        case .outbound: .uac
        }
    }

    /// Where the dialog is in its life (for RFC 3891 matching and for our re-INVITEs).
    var dialogState: ReplacesDecision.DialogState {
        switch self {
        case .inbound(let call):
            switch call.phase {
            case .offered: return .early
            case .answered, .confirmed: return .confirmed
            case .ending, .ended: return .terminated
            }
        case .outbound(let leg):
            if leg.ended { return .terminated }
            return leg.answered ? .confirmed : .early
        }
    }

    /// RFC 3261 §14.1: whoever sent the initial INVITE generated the Call-ID.
    var ownsCallID: Bool { role == .uac }

    /// Sets the renegotiated audio on the leg and its stream.
    func apply(_ audio: NegotiatedAudio) {
        switch self {
        case .inbound(let call): call.audio = audio
        case .outbound(let leg): leg.audio = audio
        }
        stream.configure(audio)
    }

    /// Our next SDP version for a new offer or answer.
    func nextLocal() -> LocalAudio {
        switch self {
        case .inbound(let call): call.nextLocal()
        case .outbound(let leg): leg.nextLocal()
        }
    }

    func isSame(as other: Party) -> Bool {
        switch (self, other) {
        case (.inbound(let a), .inbound(let b)): a === b
        case (.outbound(let a), .outbound(let b)): a === b
        default: false
        }
    }

    var logName: String {
        switch self {
        case .inbound(let call): "caller leg \(call.handle)"
        case .outbound(let leg): "callee leg \(leg.handle) (\(leg.contact))"
        }
    }
}
