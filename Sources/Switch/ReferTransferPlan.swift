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

/// How far a REFER Parley sent has got, from the REFER's final response and the NOTIFYs of its
/// implicit subscription (RFC 3515 §2.4.5: each carries a message/sipfrag status line). A sans-I/O
/// state machine: the switch feeds events and acts when ``outcome`` stops being pending.
struct ReferProgress: Equatable {
    enum Event: Equatable {
        /// The final response to the REFER.
        case referAnswered(status: Int)
        /// A NOTIFY: its body and its Subscription-State header.
        case notified(sipfrag: String?, subscriptionState: String?)
        /// No final word in time.
        case timedOut
    }

    enum Outcome: Equatable {
        case pending
        /// The provider reports the target answered: the party is connected elsewhere.
        case succeeded
        /// The REFER was refused or the target failed, with the status to report.
        case failed(status: Int)
    }

    private(set) var outcome: Outcome = .pending
    /// The provider accepted the REFER (2xx).
    private(set) var accepted = false

    /// Feeds one event; returns the outcome (unchanged once it is final).
    @discardableResult
    mutating func handle(_ event: Event) -> Outcome {
        guard outcome == .pending else { return outcome }
        switch event {
        case .referAnswered(let status):
            if (200..<300).contains(status) {
                accepted = true
            } else if status >= 300 {
                outcome = .failed(status: status)
            }
        case .notified(let body, let state):
            let terminated = state.map { $0.lowercased().hasPrefix("terminated") } ?? false
            switch body.flatMap(Self.sipfragStatus) {
            case let status? where (200..<300).contains(status): outcome = .succeeded
            case let status? where status >= 300: outcome = .failed(status: status)
            default:
                // A subscription ended without a final status says nothing good.
                if terminated { outcome = .failed(status: 500) }
            }
        case .timedOut:
            outcome = .failed(status: 408)
        }
        return outcome
    }

    /// The status code of a sipfrag's status line ("SIP/2.0 200 OK"), or nil.
    static func sipfragStatus(_ body: String) -> Int? {
        guard let line = body.split(whereSeparator: \.isNewline).first else { return nil }
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].uppercased().hasPrefix("SIP/"), parts[1].count == 3,
              let status = Int(parts[1]), (100...699).contains(status) else { return nil }
        return status
    }
}
