import Foundation
import Logging
import Media
import RTP
import SDP
import SIP

extension Switch {
    /// Events on a dialog we already own.
    func handleDialogEvent(_ event: SIPEvent, call: Call) {
        switch event.kind {
        case .ack:
            handleACK(event, call: call)
        case .invite:
            handleReinvite(event, call: call)
        case .update:
            handleUpdate(event, call: call)
        case .cancel:
            call.endReason = "cancelled by caller"
            cancelForks(of: call, except: nil)
        case .bye:
            // A caller that transferred its callee away leaves alone (Switch+CallerTransfer.swift).
            if callerLeavesBridge(call, terminated: false) { return }
            // A BYE crossing ours keeps the cause we hung up for ("transferred by REFER", ...), and a
            // caller that sent its callee elsewhere keeps "transferred".
            if call.endReason != "transferred", call.phase != .ending || call.endReason == "unknown" {
                call.endReason = "caller hung up"
            }
            releaseLegs(of: call)
        case .byeResponse:
            if call.endReason == "unknown" { call.endReason = "we hung up" }
        case .state(.terminated):
            if callerLeavesBridge(call, terminated: true) { return }
            finish(call)
        case .inviteResponse:
            // Only our own re-INVITEs (hold/resume) get responses on a call we answered.
            _ = handleOwnReinviteResponse(event, party: .inbound(call))
        case .state:
            break
        case .info:
            handleInfo(event, call: call)
        case .refer:
            handleCallerRefer(event, call: call)
        case .referResponse, .notify:
            // Our own REFER to the caller's provider and its progress (Switch+ReferTransfer.swift).
            handleReferProgress(event, call: call)
        default:
            call.logger.debug("dialog event", metadata: ["event": "\(event.name)", "status": "\(event.status)"])
        }
    }

    private func handleACK(_ event: SIPEvent, call: Call) {
        if call.phase == .answered { call.phase = .confirmed }
        guard let pending = call.pendingOffer else { return }
        call.pendingOffer = nil
        let answer: SessionDescription?
        do {
            answer = try event.message.flatMap { m throws(SDPBody.Problem) in try SDPBody.read(m) }
        } catch {
            call.logger.warning("ACK carried an unusable answer; hanging up")
            hangUp(call, reason: "bad answer in ACK")
            return
        }
        guard let answer else {
            // RFC 3261 §13.3.1.4: the ACK must carry the answer to an offer in a 2xx.
            call.logger.warning("ACK without the answer to our offer; hanging up")
            hangUp(call, reason: "no answer in ACK")
            return
        }
        do {
            let audio = try AudioNegotiation.accept(answer: answer, offer: pending)
            call.audio = audio
            call.stream.configure(audio)
            startSource(for: call)
        } catch {
            call.logger.warning("answer in ACK not acceptable: \(error.reason); hanging up")
            hangUp(call, reason: "unacceptable answer")
        }
    }

    /// A re-INVITE: answer its offer (or offer ourselves when it has none). A failure keeps the call
    /// as it was (RFC 3261 §14.2): never drop a call because of a re-INVITE.
    private func handleReinvite(_ event: SIPEvent, call: Call) {
        guard let message = event.message else { return }
        guard call.control.reinvite == nil else {
            // RFC 3261 §14.2: our own re-INVITE is in flight (glare).
            sip.respond(call.handle, status: 491)
            return
        }
        let offer: SessionDescription?
        do {
            offer = try SDPBody.read(message)
        } catch {
            reject(error, on: call.handle)
            return
        }
        if let offer {
            do {
                let (plain, offered) = try AudioNegotiation.answer(to: offer, local: call.nextLocal())
                let (answer, audio) = keepingOurHold(plain, offered, control: call.control)
                applyRenegotiated(audio, call: call)
                let sdp = answer.serialized()
                call.lastLocalSDP = sdp
                sip.respond(call.handle, status: 200, contentType: Self.sdpType, body: sdp)
            } catch {
                sip.respond(call.handle, status: 488, headers: [warning(error.reason)])
            }
        } else {
            let (ours, pending) = AudioNegotiation.offer(local: call.nextLocal(), direction: call.control.heldByUs ? .sendonly : .sendrecv)
            let sdp = ours.serialized()
            call.lastLocalSDP = sdp
            call.pendingOffer = pending
            sip.respond(call.handle, status: 200, contentType: Self.sdpType, body: sdp)
        }
        call.logger.info("re-INVITE answered", metadata: ["direction": "\(call.audio?.direction.rawValue ?? "-")",
                                                          "hold": "\(call.audio.map { !$0.sends } ?? false)"])
    }

    /// INFO (RFC 6086): DTMF relay bodies become digits; other packages are acknowledged and ignored.
    private func handleInfo(_ event: SIPEvent, call: Call) {
        guard let message = event.message else { return }
        let type = (message.contentType ?? "").lowercased()
        guard type.hasPrefix("application/dtmf") else {
            call.logger.debug("INFO ignored", metadata: ["content-type": "\(type)"])
            sip.respond(call.handle, status: 200, toCurrentRequest: true)
            return
        }
        do {
            let body = try DTMFInfoBody(parsing: message.body ?? [], contentType: type)
            guard let digit = body.digit() else {
                sip.respond(call.handle, status: 400, headers: [warning("not a DTMF digit")], toCurrentRequest: true)
                return
            }
            sip.respond(call.handle, status: 200, toCurrentRequest: true)
            digitReceived(digit, call: call)
        } catch {
            sip.respond(call.handle, status: 400, headers: [warning("bad DTMF body: \(error)")], toCurrentRequest: true)
        }
    }

    /// UPDATE (RFC 3311): answer an offer in it, or just refresh the session.
    private func handleUpdate(_ event: SIPEvent, call: Call) {
        guard let message = event.message else { return }
        do {
            if let offer = try SDPBody.read(message) {
                guard call.control.reinvite == nil else {
                    // RFC 3311 §5.2: an offer crossing our own.
                    sip.respond(call.handle, status: 491, toCurrentRequest: true)
                    return
                }
                let (plain, offered) = try AudioNegotiation.answer(to: offer, local: call.nextLocal())
                let (answer, audio) = keepingOurHold(plain, offered, control: call.control)
                applyRenegotiated(audio, call: call)
                let sdp = answer.serialized()
                call.lastLocalSDP = sdp
                sip.respond(call.handle, status: 200, contentType: Self.sdpType, body: sdp, toCurrentRequest: true)
            } else {
                sip.respond(call.handle, status: 200, toCurrentRequest: true)
            }
        } catch let problem as SDPBody.Problem {
            reject(problem, on: call.handle, toCurrentRequest: true)
        } catch let error as NegotiationError {
            sip.respond(call.handle, status: 488, headers: [warning(error.reason)], toCurrentRequest: true)
        } catch {
            sip.respond(call.handle, status: 500, toCurrentRequest: true)
        }
    }

    private func applyRenegotiated(_ audio: NegotiatedAudio, call: Call) {
        let wasSending = call.audio?.sends ?? false
        let rateChanged = call.audio?.codec.encoding.naturalSampleRate != audio.codec.encoding.naturalSampleRate
        call.audio = audio
        call.stream.configure(audio)
        if let room = call.room {
            // The caller holds: the others hear music in its place until it resumes.
            if audio.sends != wasSending {
                room.setHolding(call.stream.id, music: audio.sends ? nil : holdMusic(for: room))
                call.logger.info(audio.sends ? "caller resumed the call" : "caller put the call on hold")
            }
            return
        }
        // Music on hold keeps playing while Parley holds the call.
        if audio.sends && (!wasSending || rateChanged) && !call.control.heldByUs { startSource(for: call) }
    }

    /// Ends a call from our side: BYE when answered, 480/503 (or `status`) while still ringing.
    func hangUp(_ call: Call, reason: String, status: Int? = nil) {
        switch call.phase {
        case .offered:
            call.endReason = reason
            if let timer = call.answerTimer { sip.cancelTimer(timer) }
            call.answerTimer = nil
            releaseLegs(of: call)
            sip.respond(call.handle, status: status ?? (shuttingDown ? 503 : 480))
            call.phase = .ending
        case .answered, .confirmed:
            call.endReason = reason
            sip.bye(call.handle)
            call.phase = .ending
            releaseLegs(of: call)
        case .ending where call.standIn != nil:
            // The caller left a transfer's bridge: hanging up ends its two remaining parties.
            endTransferredBridge(call, reason: reason)
        case .ending, .ended:
            break
        }
    }
}
