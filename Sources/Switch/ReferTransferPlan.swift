import ParleyConfig

/// Whether Parley moves a party it reaches through a trunk by sending the provider a REFER
/// (RFC 3515) instead of ringing the target itself, and with which Refer-To. Pure: the switch
/// passes the party's trunk, the Allow values its dialog advertised and where the dialplan sends
/// the target (``TransferDestination``), and acts on the answer.
///
/// REFER is used only when all hold: the trunk opts in (`transfer: refer`; the provider must
/// accept the REFER, and Parley then leaves the media path), the party's INVITE or 200 listed
/// REFER in Allow, and the target is a number on that same trunk (the provider can reach only
/// its own numbers; users, conferences and agents live inside Parley).
struct ReferTransferPlan: Equatable {
    /// The trunk the party came in on.
    let trunk: String
    /// The number the provider is asked to connect the party to.
    let number: String
    /// The Refer-To header value: `<sip:number@host[:port]>` at the trunk's server.
    let referTo: String

    /// The answer for one transfer.
    enum Decision: Equatable {
        /// Send REFER as planned.
        case refer(ReferTransferPlan)
        /// Transfer inside Parley (B2BUA), for this reason (logged).
        case bridge(why: String)
    }

    /// Decides for a party reached through `trunk` (nil: not a trunk call) whose dialog sent
    /// these `allow` header values, being transferred to `destination`.
    static func decide(trunk: ParleyConfiguration.Trunk?, allow: [String],
                       destination: TransferDestination) -> Decision {
        guard let trunk else { return .bridge(why: "the party did not come through a trunk") }
        guard trunk.transfer == .refer else { return .bridge(why: "trunk '\(trunk.name)' transfers by bridging") }
        guard allows(allow, method: "REFER") else {
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
        return .refer(ReferTransferPlan(trunk: trunk.name, number: number, referTo: "<sip:\(number)@\(hostPort)>"))
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

    /// A user part we can put in a URI unescaped: digits, letters and `+*#-._`, at most 64.
    private static func isSafeUser(_ number: String) -> Bool {
        !number.isEmpty && number.count <= 64
            && number.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+*-._".contains($0)) }
    }
}
