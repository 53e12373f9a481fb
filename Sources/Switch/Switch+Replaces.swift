import Foundation
import Logging
import Media
import ParleyConfig
import Registrar
import SDP
import SIP

/// An INVITE with Replaces arriving from outside (RFC 3891 §3): the new caller takes the place of
/// one of our dialogs. It is authenticated like any call (digest for users, address for trunks)
/// before any dialog is looked up, so a 481 tells an outsider nothing. Then:
/// - more than one Replaces, or a malformed one: 400; no such dialog of ours: 481;
/// - a dialog already ending: 603; a confirmed one with `early-only`: 486;
/// - an early dialog we are answering (UAS): 481, and it rings on unchanged;
/// - an early dialog we placed (a fork still ringing: call pickup): accepted, that fork is
///   cancelled with the call's other forks and the waiting caller is answered;
/// - a confirmed dialog: accepted, and the replaced leg gets BYE.
/// The new leg takes the old one's place in its room: it is bridged with whoever the old leg
/// was bridged with (or gets the same service when the old leg was a service call).
extension Switch {
    /// A new INVITE that carries a Replaces header (SIP thread).
    func handleReplacingInvite(_ event: SIPEvent, handle: SIPHandle) {
        guard let message = event.message else {
            sip.respond(handle, status: 400)
            return
        }
        var log = logger
        log[metadataKey: "call-id"] = "\(message.callID ?? "?")"
        if shuttingDown {
            sip.respond(handle, status: 503, headers: ["Retry-After: 5"])
            return
        }
        let values = message.headers(named: "Replaces")
        guard values.count == 1, let replaces = ReplacesHeader(parsing: values[0]) else {
            log.info("INVITE with an unusable Replaces", metadata: ["replaces": "\(values)"])
            sip.respond(handle, status: 400, headers: [warning("exactly one well-formed Replaces header is required")])
            return
        }
        guard let (caller, endpoint) = authenticateReplacing(message, handle: handle, logger: log) else { return }
        guard let replaced = dialog(named: replaces) else {
            log.info("Replaces names no dialog of ours", metadata: ["replaces": "\(replaces)"])
            sip.respond(handle, status: 481)
            return
        }
        let ending: ReplacesDecision.Ending
        switch ReplacesDecision.decide(state: replaced.dialogState, role: replaced.role, earlyOnly: replaces.earlyOnly) {
        case .reject(let status):
            log.info("Replaces refused", metadata: ["status": "\(status)", "dialog": "\(replaced.logName)",
                                                    "state": "\(replaced.dialogState)"])
            sip.respond(handle, status: status)
            return
        case .replace(let how):
            ending = how
        }
        guard let target = replacementTarget(for: replaced) else {
            log.info("the named dialog cannot be taken over", metadata: ["dialog": "\(replaced.logName)"])
            sip.respond(handle, status: 501, headers: [warning("this kind of call cannot be replaced")])
            return
        }
        guard let call = acceptReplacing(message, handle: handle, target: target, endpoint: endpoint, logger: log) else { return }
        call.caller = caller
        let pickedUp = takeOver(replaced, by: call)
        // RFC 3891 §3: accept the new INVITE, then shut the replaced dialog down.
        answer(call)
        end(replaced, reason: "replaced")
        if ending == .cancel, let owner = pickedUp, owner.phase == .offered {
            // Call pickup: the caller was still waiting for this fork; the new leg answers it.
            if let timer = owner.answerTimer { sip.cancelTimer(timer) }
            owner.answerTimer = nil
            cancelForks(of: owner, except: nil)
            answer(owner)
        }
        log.info("call replaced", metadata: ["replaced": "\(replaced.logName)", "by": "\(message.from ?? "?")",
                                             "referred-by": "\(message.header("Referred-By") ?? "-")",
                                             "pickup": "\(ending == .cancel)"])
    }

    /// Digest for users, the source address for trunks; nil when a response was already sent.
    private func authenticateReplacing(_ message: SIPMessage, handle: SIPHandle, logger: Logger)
        -> (DirectoryUser?, EndpointMedia)?
    {
        if let link = trunk(for: message.source) {
            let caller = message.fromUser.map { DirectoryUser(username: $0, secret: .password(""), callerIDName: nil) }
            return (caller, EndpointMedia(link.trunk))
        }
        guard let pbx, let source = message.source else {
            logger.info("INVITE with Replaces refused: nobody to authenticate it against")
            sip.respond(handle, status: 403)
            return nil
        }
        let auth = pbx.authenticate(method: "INVITE", requestURI: message.requestURI ?? "",
                                    credentials: message.headers(named: "Proxy-Authorization"), proxy: true,
                                    expectedUser: message.fromUser, source: SourceAddress(host: source.host, port: source.port))
        switch auth {
        case .failure(let reply):
            sip.respond(handle, status: reply.status, headers: reply.headerLines)
            return nil
        case .success(let user):
            return (user, EndpointMedia(configuration.user(user.username)))
        }
    }

    /// What the new leg is for: the old leg's own target when it was a caller, the call's target
    /// when it was a leg we placed; nil for what cannot be handed over (a conference member, a
    /// caller with nobody on the other side).
    private func replacementTarget(for replaced: Party) -> CallTarget? {
        switch replaced {
        case .inbound(let call):
            guard call.conference == nil else { return nil }
            guard call.service != nil || partner(of: replaced) != nil else { return nil }
            return call.target
        case .outbound(let leg):
            guard let owner = leg.call, owner.room != nil, owner.conference == nil else { return nil }
            return owner.target
        }
    }

    /// Negotiates the new INVITE's media and registers its call (not answered yet); nil when it
    /// was refused (the response is sent).
    private func acceptReplacing(_ message: SIPMessage, handle: SIPHandle, target: CallTarget,
                                 endpoint: EndpointMedia, logger: Logger) -> Call? {
        let offer: SessionDescription?
        do {
            offer = try SDPBody.read(message)
        } catch {
            reject(error, on: handle)
            return nil
        }
        let stream: MediaStream
        do {
            stream = try media.openStream(logger: logger) { [weak self] event in self?.mediaEvent(event) }
        } catch {
            logger.error("INVITE with Replaces refused: \(error)")
            sip.respond(handle, status: 503, headers: ["Retry-After: 2"])
            return nil
        }
        let local = localAudio(for: stream, endpoint: endpoint)
        let call = Call(handle: handle, callID: message.callID ?? "", from: message.from ?? "", target: target,
                        stream: stream, local: local, logger: logger)
        if let offer {
            do {
                let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
                call.audio = audio
                call.lastLocalSDP = answer.serialized()
                stream.configure(audio)
            } catch {
                stream.close()
                sip.respond(handle, status: 488, headers: [warning(error.reason)])
                return nil
            }
        } else {
            let (ours, pending) = AudioNegotiation.offer(local: local)
            call.lastLocalSDP = ours.serialized()
            call.pendingOffer = pending
        }
        register(call)
        return call
    }

    /// The new call takes `replaced`'s place in its bridge (the caller then ends `replaced`).
    /// Returns the call that owned `replaced` when it was a leg we placed.
    private func takeOver(_ replaced: Party, by call: Call) -> Call? {
        switch replaced {
        case .inbound(let old):
            let room = old.room
            if let leg = old.connected {
                old.connected = nil
                old.legs.removeAll { $0 === leg }
                old.room = nil
                room?.remove(member: old.stream.id)
                call.room = room
                room?.add(call.stream)
                attach(leg, to: call)
            } else if let other = old.control.peer {
                old.control.peer = nil
                other.control.peer = nil
                if old.room === other.room { old.room = nil }
                room?.remove(member: old.stream.id)
                peer(other, with: call)
            }
            return nil
        case .outbound(let leg):
            guard let owner = leg.call else { return nil }
            owner.legs.removeAll { $0 === leg }
            if owner.connected === leg { owner.connected = nil }
            leg.call = nil
            owner.room?.remove(member: leg.stream.id)
            callsByStream.removeValue(forKey: leg.stream.id)
            peer(owner, with: call)
            return owner
        }
    }
}
