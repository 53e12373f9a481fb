import Media
import RTP
import SIP

/// How Parley sends digits on a leg. `auto` is what a desk phone does: RFC 4733 events when the
/// leg negotiated telephone-event, else tones in the audio. `info` sends SIP INFO
/// (`application/dtmf-relay`, RFC 6086) for peers that only read signalling.
public enum DTMFDelivery: String, Sendable, CaseIterable {
    case auto, rfc4733, inband, info
}

/// Digits Parley itself sends to a party: the control API's `POST /calls/{id}/dtmf` and the AI
/// agent's `send_dtmf` tool. Media-path digits are queued on the party's stream and replace its
/// audio while they play (StreamState+DTMF in Media).
extension Switch {
    /// Silence between two INFO digits (and the allowance per digit when waiting for tones).
    static let interDigitMilliseconds = 60

    /// Sends DTMF to one leg of a call, one digit after another, `durationMilliseconds` each.
    /// Returns the delivery used (never `auto`).
    @discardableResult
    public func sendDTMF(callID: String, digits: String, durationMilliseconds: Int = 100,
                         leg side: CallLegSide = .caller, delivery: DTMFDelivery = .auto) async throws(CallControlError) -> DTMFDelivery {
        let keys = digits.uppercased()
        guard !keys.isEmpty, keys.count <= 64, keys.allSatisfy({ TelephoneEvent.event(for: $0) != nil }) else {
            throw .invalid("'\(digits)' is not a sequence of DTMF keys (0-9 * # A-D)")
        }
        let duration = min(max(durationMilliseconds, 40), 2000)
        return try await withCheckedContinuation { (done: CheckedContinuation<Result<DTMFDelivery, CallControlError>, Never>) in
            sip.perform { [self] in
                guard let call = liveCall(callID) else { return done.resume(returning: .failure(.unknownCall(callID))) }
                guard let party = party(of: call, side: side) else {
                    return done.resume(returning: .failure(.noSuchLeg(callID: callID, side: side)))
                }
                guard party.dialogState == .confirmed else { return done.resume(returning: .failure(.wrongState("the leg is not answered"))) }
                call.logger.info("sending DTMF through the control API",
                                 metadata: ["digits": "\(keys.count)", "leg": "\(side.rawValue)", "delivery": "\(delivery.rawValue)"])
                let logger = call.logger
                sendDigits(keys, to: party, durationMilliseconds: duration, delivery: delivery) { result in
                    switch result {
                    case .success(let used): logger.info("DTMF queued", metadata: ["delivery": "\(used.rawValue)"])
                    case .failure(let error): logger.info("DTMF not sent", metadata: ["reason": "\(error)"])
                    }
                    done.resume(returning: result)
                }
            }
        }.get()
    }

    /// Sends `digits` (already checked) to `party`; `reply` gets the delivery used, on the SIP
    /// thread, once the digits are queued (media) or scheduled (INFO).
    func sendDigits(_ digits: String, to party: Party, durationMilliseconds duration: Int, delivery: DTMFDelivery,
                    reply: @escaping @Sendable (Result<DTMFDelivery, CallControlError>) -> Void) {
        let method: DTMFSendMethod
        switch delivery {
        case .info:
            sendInfoDigits(digits, on: party.handle, durationMilliseconds: duration)
            return reply(.success(.info))
        case .auto:
            guard party.audio?.sends ?? false else { return reply(.failure(.wrongState("the leg is on hold"))) }
            // A leg without telephone-event that reads no audio either (rare) still gets tones.
            method = party.audio?.telephoneEventPayloadType != nil ? .rfc4733 : .inband
        case .rfc4733:
            guard party.audio?.telephoneEventPayloadType != nil else {
                return reply(.failure(.notSupported("the leg did not negotiate telephone-event (RFC 4733); use inband or info")))
            }
            method = .rfc4733
        case .inband:
            method = .inband
        }
        let sip = sip
        party.stream.sendDigits(digits, durationMs: duration, method: delivery == .auto ? nil : method) { result in
            sip.perform {
                switch result {
                case .success(let used): reply(.success(used == .rfc4733 ? .rfc4733 : .inband))
                case .failure(.invalid(let error)): reply(.failure(.invalid(error.description)))
                case .failure(.cannotSend(let reason)): reply(.failure(.wrongState(reason)))
                }
            }
        }
    }

    /// One INFO per digit, spaced by the digit's length and a gap.
    private func sendInfoDigits(_ digits: String, on handle: SIPHandle, durationMilliseconds duration: Int) {
        for (index, event) in digits.compactMap({ TelephoneEvent.event(for: $0) }).enumerated() {
            let body = DTMFInfoBody(format: .dtmfRelay, event: event, durationMs: duration)
            let text = String(decoding: body.serialized(), as: UTF8.self)
            _ = sip.schedule(after: index * (duration + Self.interDigitMilliseconds)) { [weak self] in
                guard let self, self.party(for: handle)?.dialogState == .confirmed else { return }
                self.sip.info(handle, contentType: body.format.contentType, body: text)
            }
        }
    }

    /// The agent's `send_dtmf` tool: digits to the caller the agent talks with, in the media
    /// path; `done` runs once they have been played out (so the agent's next words do not
    /// overlap them), or at once with why not.
    func agentSendDTMF(_ call: Call, digits: String, done: @escaping (AgentCallError?) -> Void) {
        let keys = digits.uppercased()
        guard !keys.isEmpty, keys.count <= 32, keys.allSatisfy({ TelephoneEvent.event(for: $0) != nil }) else {
            return done(.invalid("'\(digits)' is not a sequence of DTMF keys"))
        }
        guard call.agent.map({ !$0.left }) ?? false else { return done(.callGone) }
        let duration = 100
        let finish = SIPThreadOnly(done)
        let logger = call.logger
        sendDigits(keys, to: .inbound(call), durationMilliseconds: duration, delivery: .auto) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                finish.value(.invalid("the digits could not be sent: \(error)"))
            case .success(let used):
                logger.info("agent sent DTMF", metadata: ["digits": "\(keys.count)", "delivery": "\(used.rawValue)"])
                // Done once the last digit (and its end packets) is on the wire.
                let playout = keys.count * (duration + Self.interDigitMilliseconds) + 60
                _ = self.sip.schedule(after: playout) { finish.value(nil) }
            }
        }
    }
}

/// A closure that is only ever called on the SIP thread, carried through a media-thread callback
/// that hops back there first.
private final class SIPThreadOnly: @unchecked Sendable {
    let value: (AgentCallError?) -> Void
    init(_ value: @escaping (AgentCallError?) -> Void) { self.value = value }
}
