import Foundation
import ParleyConfig

/// Whether Parley moves a party it reaches through a trunk by sending the provider a REFER
/// (RFC 3515) instead of ringing the target itself, on which dialog, and with which Refer-To and
/// Referred-By. Pure: the switch describes the party (its trunk, the Allow values its dialog
/// advertised, which of the call's dialogs reaches it), where the dialplan sends the target
/// (``TransferDestination``) and who asked, and acts on the answer.
///
/// REFER is used only when all hold: the trunk opts in (`transfer: refer`; the provider must
/// accept the REFER, and Parley then leaves the media path), the party's INVITE or 200 listed
/// REFER in Allow, and the target is a number on that same trunk (the provider can reach only
/// its own numbers; users, conferences and agents live inside Parley).
struct ReferTransferPlan: Equatable {
    /// The trunk the party is reached through.
    let trunk: String
    /// The number the provider is asked to connect the party to.
    let number: String
    /// The Refer-To header value: `<sip:number@host[:port]>` at the trunk's server.
    let referTo: String
    /// The dialog the REFER goes on.
    let dialog: Dialog
    /// The Referred-By header value (RFC 3892), nil to leave it out.
    let referredBy: String?
    /// How long the provider has to report the outcome (the trunk's `refer_timeout_s`).
    let timeoutSeconds: Int

    /// Which of a call's dialogs reaches the trunk party.
    enum Dialog: Equatable {
        /// The call's own dialog: a caller that came in on the trunk, or the party an originated
        /// call rang through it.
        case call
        /// The outgoing leg Parley placed on the trunk for a user's call out.
        case leg
    }

    /// The party to be moved.
    struct Party: Equatable {
        /// Its trunk; nil when it is not reached through one.
        var trunk: ParleyConfiguration.Trunk?
        /// The Allow header values of its INVITE (a caller) or its 200 (a party Parley rang).
        var allow: [String]
        var dialog: Dialog
    }

    /// Who asked for the transfer, which decides the Referred-By.
    enum Requester: Equatable {
        /// The control API or the agent: Parley itself (its account on the trunk, or its address).
        case parley(listen: String, port: Int)
        /// A phone's own REFER: its Referred-By travels on when it has a usable one, else Parley's.
        case phone(referredBy: String?, listen: String, port: Int)
    }

    /// The answer for one transfer.
    enum Decision: Equatable {
        /// Send REFER as planned.
        case refer(ReferTransferPlan)
        /// Transfer inside Parley (B2BUA), for this reason (logged).
        case bridge(why: String)
    }

    /// Decides for `party`, being transferred to `destination` at the request of `requester`.
    static func decide(party: Party, destination: TransferDestination, requester: Requester) -> Decision {
        guard let trunk = party.trunk else { return .bridge(why: "the party is not reached through a trunk") }
        guard trunk.transfer == .refer else { return .bridge(why: "trunk '\(trunk.name)' transfers by bridging") }
        guard allows(party.allow, method: "REFER") else {
            return .bridge(why: "the party's dialog does not allow REFER")
        }
        guard case .trunk(let name, let number) = destination, name == trunk.name else {
            return .bridge(why: "the target is not a number on trunk '\(trunk.name)'")
        }
        guard let server = trunk.registrar, isSafeUser(number) else {
            return .bridge(why: "no SIP URI for \(number) on trunk '\(trunk.name)'")
        }
        // Server.description is "sip:host[:port]" with IPv6 in brackets.
        let hostPort = server.description.dropFirst(4)
        let referredBy: String?
        switch requester {
        case .parley(let listen, let port):
            referredBy = Self.referredBy(trunk: trunk, listen: listen, port: port)
        case .phone(let phone, let listen, let port):
            referredBy = phone.flatMap(usableHeaderValue) ?? Self.referredBy(trunk: trunk, listen: listen, port: port)
        }
        return .refer(ReferTransferPlan(trunk: trunk.name, number: number, referTo: "<sip:\(number)@\(hostPort)>",
                                        dialog: party.dialog, referredBy: referredBy,
                                        timeoutSeconds: trunk.referTimeoutSeconds))
    }

    /// Parley's identity for the REFER's Referred-By (RFC 3892): its account on the trunk
    /// (`<sip:username@server>`), else Parley at its SIP address; nil when that address is a
    /// wildcard (no usable identity: the header is left out).
    static func referredBy(trunk: ParleyConfiguration.Trunk, listen: String, port: Int) -> String? {
        if let user = trunk.username, let server = trunk.registrar {
            return "<sip:\(user)@\(server.description.dropFirst(4))>"
        }
        guard !["0.0.0.0", "::", "[::]", ""].contains(listen) else { return nil }
        let host = listen.contains(":") && !listen.hasPrefix("[") ? "[\(listen)]" : listen
        return "<sip:parley@\(host):\(port)>"
    }

    /// Whether any of the Allow header values lists `method` (comma-separated tokens, any case).
    static func allows(_ values: [String], method: String) -> Bool {
        values.contains { value in
            value.split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(method) == .orderedSame
            }
        }
    }

    /// A phone's header value we can pass on as it is: one line of printable text naming a SIP or
    /// tel URI, at most 512 characters.
    private static func usableHeaderValue(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        guard !trimmed.isEmpty, trimmed.count <= 512,
              lowered.contains("sip:") || lowered.contains("sips:") || lowered.contains("tel:"),
              trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        return trimmed
    }

    /// A user part we can put in a URI unescaped: digits, letters and `+*#-._`, at most 64.
    private static func isSafeUser(_ number: String) -> Bool {
        !number.isEmpty && number.count <= 64
            && number.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+*-._".contains($0)) }
    }
}
