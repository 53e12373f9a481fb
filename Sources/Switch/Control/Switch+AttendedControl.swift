import Foundation
import Media

/// Attended transfer asked for by the control plane: two live calls that share a party (the
/// transferor, e.g. B in A→B and B→C, or B→A and B→C) become one call between their far parties,
/// as if the shared party's phone had sent REFER with Replaces. SIP thread only.
extension Switch {
    /// Joins the far parties of calls `callID` and `other` (A and C) and ends both of the shared
    /// party's dialogs. The shared party is the one whose user (a registered extension, or the
    /// caller's user part) takes part in both calls. Returns once the parties are joined; the
    /// outcome is reported as a transfer event on `callID`.
    public func attendedTransfer(callID: String, withCallID other: String) async throws(CallControlError) {
        try await onSIPThread { [self] () -> Result<Void, CallControlError> in
            guard !shuttingDown else { return .failure(.shuttingDown) }
            guard let first = liveCall(callID) else { return .failure(.unknownCall(callID)) }
            guard let second = liveCall(other) else { return .failure(.unknownCall(other)) }
            guard first !== second else { return .failure(.invalid("a call cannot be transferred to itself")) }
            if let error = joinFarParties(first, second) { return .failure(error) }
            return .success(())
        }.get()
    }

    /// The shared party's two dialogs end, the other two parties are bridged.
    private func joinFarParties(_ first: Call, _ second: Call) -> CallControlError? {
        for call in [first, second] {
            guard call.isUp, call.transfer == nil, call.standIn == nil else {
                return .wrongState("call \(call.callID) is not a settled two-party call")
            }
            guard call.agent == nil, call.conference == nil else {
                return .notSupported("call \(call.callID) has an agent or is in a conference")
            }
        }
        guard let firstFar = partner(of: .inbound(first)), let secondFar = partner(of: .inbound(second)),
              firstFar.dialogState == .confirmed, secondFar.dialogState == .confirmed else {
            return .wrongState("both calls must be answered and connected")
        }
        let firstParties: [Party] = [.inbound(first), firstFar]
        let secondParties: [Party] = [.inbound(second), secondFar]
        guard let (shared1, shared2) = Self.sharedParty(firstParties, secondParties, user: partyUser) else {
            return .invalid("calls \(first.callID) and \(second.callID) share no party")
        }
        guard let transferee = firstParties.first(where: { !$0.isSame(as: shared1) }),
              let target = secondParties.first(where: { !$0.isSame(as: shared2) }) else {
            return .invalid("the calls share both parties")
        }
        emit(.transfer(target: second.callID, stage: .requested), call: first)
        guard join(transferee, target) else {
            emit(.transfer(target: second.callID, stage: .failed), call: first)
            return .notSupported("these parties cannot be joined")
        }
        first.logger.info("attended transfer through the control API", metadata: [
            "transferee": "\(transferee.logName)", "target": "\(target.logName)", "with-call": "\(second.callID)"])
        emit(.transfer(target: second.callID, stage: .completed), call: first)
        end(shared2, reason: "attended transfer completed")
        end(shared1, reason: "attended transfer completed")
        return nil
    }

    /// The user a party stands for: the caller's authenticated user (or From's user part), the
    /// directory user a fork rings (or its contact's user part).
    private func partyUser(_ party: Party) -> String? {
        switch party {
        case .inbound(let call): call.caller?.username ?? Self.userPart(of: call.from)
        case .outbound(let leg): leg.user ?? Self.userPart(of: leg.contact)
        }
    }

    /// The first pair of parties, one from each list, that stand for the same user (parties
    /// without a user never match).
    static func sharedParty<P>(_ first: [P], _ second: [P], user: (P) -> String?) -> (P, P)? {
        for a in first {
            guard let name = user(a) else { continue }
            if let b = second.first(where: { user($0) == name }) { return (a, b) }
        }
        return nil
    }
}
