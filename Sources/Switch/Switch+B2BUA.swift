import Foundation
import Logging
import Media
import Registrar
import SDP
import SIP

/// Calls between users: Parley is a back-to-back user agent. The caller's leg (A) is answered by
/// us; each registered contact of the callee gets its own INVITE (a fork, B). The first 200 wins,
/// the other forks are cancelled, and the two legs' media are bridged on one media thread.
extension Switch {
    /// Forks the call to every registered contact of the callee; no answer within `timeoutSeconds` → 480.
    func ring(_ call: Call, caller: DirectoryUser?, timeoutSeconds: Int) {
        guard let pbx, case .user(let callee) = call.target else { return }
        let contacts = pbx.location.contacts(for: callee, now: Date())
        guard !contacts.isEmpty else {
            call.logger.info("callee not registered", metadata: ["to": "\(callee)"])
            call.endReason = "callee offline"
            sip.respond(call.handle, status: 480)
            call.phase = .ending
            return
        }
        // Both legs meet in a two-party room (which relays when their codecs match).
        let room = call.room ?? media.openRoom(sampleRate: 16000)
        call.room = room
        call.legs += fork(call, to: callee, contacts: contacts, caller: caller, room: room)
        guard !call.legs.isEmpty else {
            sip.respond(call.handle, status: 503)
            call.phase = .ending
            return
        }
        call.logger.info("ringing", metadata: ["to": "\(callee)", "forks": "\(call.legs.count)"])
        call.answerTimer = sip.schedule(after: timeoutSeconds * 1000) { [weak self, weak call] in
            guard let self, let call, call.phase == .offered else { return }
            call.answerTimer = nil
            call.logger.info("no answer", metadata: ["after-s": "\(timeoutSeconds)"])
            self.cancelForks(of: call, except: nil)
            call.endReason = "no answer"
            self.sip.respond(call.handle, status: 480)
            call.phase = .ending
        }
    }

    /// One outgoing INVITE per registered contact of `callee`, each with its own stream in `room`.
    /// `headers` are extra header lines for each INVITE (Referred-By on a transfer).
    func fork(_ call: Call, to callee: String, contacts: [Binding], caller: DirectoryUser?, room: Room,
              headers: [String] = []) -> [OutboundLeg] {
        guard let pbx else { return [] }
        let callerID = caller?.username ?? "anonymous"
        let name = (caller?.callerIDName ?? callerID).replacingOccurrences(of: "\"", with: "")
        var legs: [OutboundLeg] = []
        for binding in contacts {
            do {
                let stream = try media.openStream(logger: call.logger, in: room) { [weak self] e in self?.mediaEvent(e) }
                let local = localAudio(for: stream, endpoint: EndpointMedia(configuration.user(callee)))
                let (offer, pending) = AudioNegotiation.offer(local: local)
                guard let handle = sip.makeHandle(to: "<sip:\(callee)@\(pbx.realm)>", from: "\"\(name)\" <sip:\(callerID)@\(pbx.realm)>",
                                                  proxy: natProxy(for: binding)) else {
                    stream.close()
                    continue
                }
                let leg = OutboundLeg(handle: handle, contact: binding.contactURI, stream: stream, offer: pending, local: local, call: call)
                leg.user = callee
                legs.append(leg)
                outbound[handle] = leg
                callsByStream[stream.id] = call.handle
                sip.invite(handle, requestURI: binding.contactURI, sdp: offer.serialized(), headers: headers)
            } catch {
                call.logger.error("cannot ring \(binding.contactURI): \(error)")
            }
        }
        return legs
    }

    /// Events on an outgoing fork.
    func handleOutboundEvent(_ event: SIPEvent, leg: OutboundLeg) {
        switch event.kind {
        case .inviteResponse:
            if (200..<300).contains(event.status), let allow = event.message?.headers(named: "Allow"), !allow.isEmpty {
                leg.remoteAllow = allow
            }
            if handleOwnReinviteResponse(event, party: .outbound(leg)) { return }
            guard let call = leg.call else {
                if event.status >= 200 && event.status < 300 { sip.bye(leg.handle) }
                return
            }
            if call.transfer?.legs.contains(where: { $0 === leg }) == true {
                handleTransferResponse(event, leg: leg, call: call)
            } else if call.agent?.transfer?.legs.contains(where: { $0 === leg }) == true {
                handleAgentTransferResponse(event, leg: leg, call: call)
            } else {
                handleForkResponse(event, leg: leg, call: call)
            }
        case .invite:
            handleLegReinvite(event, leg: leg)
        case .update:
            handleLegUpdate(event, leg: leg)
        case .refer:
            handleLegRefer(event, leg: leg)
        case .referResponse, .notify:
            // Our own REFER to the provider of a trunk leg (Switch+ReferTransfer.swift).
            handleLegReferProgress(event, leg: leg)
        case .bye:
            leg.ended = true
            if let call = leg.call, call.standIn != nil, call.standIn === leg || call.connected === leg {
                endTransferredBridge(call, reason: call.standIn === leg ? "transfer target hung up" : "callee hung up")
            } else if let call = leg.call, call.connected === leg {
                hangUp(call, reason: "callee hung up")
            }
        case .state(.terminated):
            closeLeg(leg)
        default:
            break
        }
    }

    private func handleForkResponse(_ event: SIPEvent, leg: OutboundLeg, call: Call) {
        if answerTrunkChallenge(event, leg: leg) { return }
        let status = event.status
        switch status {
        case 100:
            return
        case 101..<200:
            if let answer = sdpAnswer(event), let audio = try? AudioNegotiation.accept(answer: answer, offer: leg.offer) {
                // Early media from the callee (ringback, announcements): pass it to the caller in a 183.
                leg.audio = audio
                leg.stream.configure(audio)
                if call.phase == .offered, call.audio != nil, let sdp = call.lastLocalSDP {
                    connectInRoom(call, leg)
                    sip.respond(call.handle, status: 183, contentType: Self.sdpType, body: sdp)
                }
            } else if call.phase == .offered {
                sip.respond(call.handle, status: 180)
            }
        case 200..<300:
            leg.answered = true
            guard call.phase == .offered, call.connected == nil else {
                // Another fork won, or the caller left: this one is not wanted.
                sip.bye(leg.handle)
                return
            }
            if let answer = sdpAnswer(event) {
                do {
                    let audio = try AudioNegotiation.accept(answer: answer, offer: leg.offer)
                    leg.audio = audio
                    leg.stream.configure(audio)
                } catch {
                    call.logger.warning("callee's answer not acceptable: \(error.reason)")
                    sip.bye(leg.handle)
                    return
                }
            }
            call.connected = leg
            if let timer = call.answerTimer { sip.cancelTimer(timer) }
            call.answerTimer = nil
            cancelForks(of: call, except: leg)
            connectInRoom(call, leg)
            answer(call)
            call.logger.info("call connected", metadata: ["contact": "\(leg.contact)", "codec": "\(leg.audio?.codecName ?? "-")"])
        default:
            leg.ended = true
            call.bestFailure = preferredFailure(call.bestFailure, status)
            call.legs.removeAll { $0 === leg }
            if call.legs.isEmpty, call.phase == .offered {
                if let timer = call.answerTimer { sip.cancelTimer(timer) }
                call.answerTimer = nil
                call.endReason = "callee refused (\(status))"
                sip.respond(call.handle, status: call.bestFailure)
                call.phase = .ending
            }
        }
    }

    /// Puts the caller and this leg (and no other fork) in the call's room.
    func connectInRoom(_ call: Call, _ leg: OutboundLeg) {
        guard let room = call.room else { return }
        for other in call.legs where other !== leg { room.remove(member: other.stream.id) }
        room.add(call.stream)
        room.add(leg.stream)
    }

    /// A re-INVITE from the callee's side (hold, resume, codec change): answered like the caller's,
    /// and a hold puts music in its place for the caller.
    private func handleLegReinvite(_ event: SIPEvent, leg: OutboundLeg) {
        guard let message = event.message else { return }
        guard leg.control.reinvite == nil else {
            // RFC 3261 §14.2: our own re-INVITE is in flight (glare).
            sip.respond(leg.handle, status: 491)
            return
        }
        do {
            guard let offer = try SDPBody.read(message) else {
                // No offer: offer what we have (RFC 3261 §14.2); its answer comes in the ACK.
                let (ours, _) = AudioNegotiation.offer(local: leg.nextLocal(), direction: leg.control.heldByUs ? .sendonly : .sendrecv)
                sip.respond(leg.handle, status: 200, contentType: Self.sdpType, body: ours.serialized())
                return
            }
            let (plain, offered) = try AudioNegotiation.answer(to: offer, local: leg.nextLocal())
            let (answer, audio) = keepingOurHold(plain, offered, control: leg.control)
            applyLegAudio(audio, leg: leg)
            sip.respond(leg.handle, status: 200, contentType: Self.sdpType, body: answer.serialized())
        } catch let problem as SDPBody.Problem {
            reject(problem, on: leg.handle)
        } catch let error as NegotiationError {
            sip.respond(leg.handle, status: 488, headers: [warning(error.reason)])
        } catch {
            sip.respond(leg.handle, status: 500)
        }
    }

    private func handleLegUpdate(_ event: SIPEvent, leg: OutboundLeg) {
        guard let message = event.message else { return }
        do {
            guard let offer = try SDPBody.read(message) else {
                sip.respond(leg.handle, status: 200, toCurrentRequest: true)
                return
            }
            guard leg.control.reinvite == nil else {
                // RFC 3311 §5.2: an offer crossing our own.
                sip.respond(leg.handle, status: 491, toCurrentRequest: true)
                return
            }
            let (plain, offered) = try AudioNegotiation.answer(to: offer, local: leg.nextLocal())
            let (answer, audio) = keepingOurHold(plain, offered, control: leg.control)
            applyLegAudio(audio, leg: leg)
            sip.respond(leg.handle, status: 200, contentType: Self.sdpType, body: answer.serialized(), toCurrentRequest: true)
        } catch let problem as SDPBody.Problem {
            reject(problem, on: leg.handle, toCurrentRequest: true)
        } catch let error as NegotiationError {
            sip.respond(leg.handle, status: 488, headers: [warning(error.reason)], toCurrentRequest: true)
        } catch {
            sip.respond(leg.handle, status: 500, toCurrentRequest: true)
        }
    }

    private func applyLegAudio(_ audio: NegotiatedAudio, leg: OutboundLeg) {
        let wasHolding = leg.audio.map { !$0.sends } ?? false
        leg.audio = audio
        leg.stream.configure(audio)
        let holding = !audio.sends
        if holding != wasHolding, let room = leg.call?.room {
            room.setHolding(leg.stream.id, music: holding ? holdMusic(for: room) : nil)
            leg.call?.logger.info(holding ? "callee put the call on hold" : "callee resumed the call")
        }
    }

    /// The hold music at a room's rate (nil, and logged, when the file cannot be read).
    func holdMusic(for room: Room) -> SoundClip? {
        do {
            return try sounds.clip(at: configuration.soundFile("music/hold", sampleRate: room.sampleRate), sampleRate: room.sampleRate)
        } catch {
            logger.error("no hold music: \(error)")
            return nil
        }
    }

    /// A phone behind NAT registers a Contact with its private address: when the Contact's host is
    /// not the address the REGISTER came from, send its INVITE there (received/rport), keeping the
    /// Contact as request URI. (A different port alone is not NAT: phones often register from one
    /// port and listen on another.)
    func natProxy(for binding: Binding) -> String? {
        let uri = binding.contactURI
        guard let scheme = uri.range(of: "sip:") else { return nil }
        var rest = uri[scheme.upperBound...]
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let hostPort = rest.prefix { $0 != ";" && $0 != ">" && $0 != "?" }
        let received = binding.received
        let advertised: (String, Int)
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            let host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let port = Int(hostPort[close...].dropFirst(2)) ?? 5060
            advertised = (host, port)
        } else {
            let parts = hostPort.split(separator: ":", maxSplits: 1)
            advertised = (parts.first.map(String.init) ?? "", parts.count > 1 ? Int(parts[1]) ?? 5060 : 5060)
        }
        guard advertised.0 != received.host else { return nil }
        let host = received.host.contains(":") ? "[\(received.host)]" : received.host
        return "<sip:\(host):\(received.port);transport=\(binding.transport.lowercased());lr>"
    }

    /// RFC 3261 §16.7 step 6 in spirit: busy (486/600) beats unavailable; otherwise 480.
    private func preferredFailure(_ current: Int, _ new: Int) -> Int {
        if new == 486 || new == 600 || new == 603 { return new == 603 ? 603 : 486 }
        if current == 486 || current == 603 { return current }
        return 480
    }

    private func sdpAnswer(_ event: SIPEvent) -> SessionDescription? {
        guard let message = event.message else { return nil }
        return try? SDPBody.read(message)
    }

    /// CANCELs forks still ringing (all but `keep`).
    func cancelForks(of call: Call, except keep: OutboundLeg?) {
        for leg in call.legs where leg !== keep && !leg.answered && !leg.ended {
            leg.ended = true
            sip.cancel(leg.handle)
        }
    }

    /// Ends the callee side (or the bridged inbound peer) when the caller's side ends.
    func releaseLegs(of call: Call) {
        abortReinvite(call.control)
        cancelForks(of: call, except: call.connected)
        if let leg = call.connected, !leg.ended {
            leg.ended = true
            sip.bye(leg.handle)
        }
        if let standIn = call.standIn, !standIn.ended {
            standIn.ended = true
            sip.bye(standIn.handle)
        }
        if let peer = call.control.peer {
            call.control.peer = nil
            peer.control.peer = nil
            hangUp(peer, reason: "other party hung up")
        }
    }

    private func closeLeg(_ leg: OutboundLeg) {
        abortReinvite(leg.control)
        outbound.removeValue(forKey: leg.handle)
        callsByStream.removeValue(forKey: leg.stream.id)
        leg.stream.close()
        sip.destroy(leg.handle)
        if let call = leg.call {
            call.legs.removeAll { $0 === leg }
            if call.standIn != nil, call.standIn === leg || call.connected === leg {
                endTransferredBridge(call, reason: "callee left")
            } else if call.connected === leg, call.phase != .ended {
                hangUp(call, reason: "callee left")
            }
        }
    }
}
