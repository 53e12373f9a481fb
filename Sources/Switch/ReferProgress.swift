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
