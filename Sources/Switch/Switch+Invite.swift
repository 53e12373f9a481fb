import Foundation
import Logging
import Media
import ParleyConfig
import SDP
import SIP
import Codecs
import SRTP
import Registrar

extension Switch {
    static let sdpType = "application/sdp"

    /// A new INVITE: route it, negotiate media, ring and answer (or refuse with the right status).
    func handleNewInvite(_ event: SIPEvent, handle: SIPHandle) {
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
        var number = message.requestUser ?? ""
        let target: CallTarget
        var caller: DirectoryUser?
        var endpoint = EndpointMedia()
        var ringTimeout = ParleyConfiguration.defaultRingTimeoutSeconds
        if let link = trunk(for: message.source) {
            // From a trunk: trusted by its address; the DID picks the extension (`inbound:`).
            guard let did = did(of: message, trunk: link.trunk), let destination = configuration.inboundRoute(trunk: link.trunk.name, did: did) else {
                log.info("trunk call rejected: no inbound route", metadata: ["trunk": "\(link.trunk.name)", "to": "\(message.requestUser ?? "?")"])
                sip.respond(handle, status: 404)
                return
            }
            log.info("trunk call", metadata: ["trunk": "\(link.trunk.name)", "did": "\(did)", "to": "\(destination)"])
            endpoint = EndpointMedia(link.trunk)
            number = destination
            caller = message.fromUser.map { DirectoryUser(username: $0, secret: .password(""), callerIDName: message.fromDisplay?.replacingOccurrences(of: "\"", with: "")) }
            switch configuration.route(for: destination) {
            case .echo, .playback:
                guard let ext = configuration.extensionFor(destination) else {
                    sip.respond(handle, status: 404)
                    return
                }
                target = .service(ext)
            case .user(let ext, let timeout):
                target = .user(ext)
                ringTimeout = timeout
            case .trunk(let name, let out):
                target = .trunk(name: name, number: out)
            case .conference(let room, let settings):
                guard conferenceHasRoom(room, settings: settings) else {
                    sip.respond(handle, status: 486)
                    return
                }
                target = .conference(room: room, settings)
            case .agent(let name):
                target = .agent(name: name, number: destination)
            case .park:
                // Parked calls are picked up by the PBX's own users only.
                sip.respond(handle, status: 403)
                return
            case .reject(let code):
                log.info("call rejected by the dialplan", metadata: ["to": "\(destination)", "status": "\(code)"])
                sip.respond(handle, status: code)
                return
            case nil:
                sip.respond(handle, status: 404)
                return
            }
        } else if case .reject(let code) = configuration.route(for: number) {
            // A reject rule answers everyone alike, before authentication.
            log.info("call rejected by the dialplan", metadata: ["to": "\(number)", "status": "\(code)"])
            sip.respond(handle, status: code)
            return
        } else if let ext = configuration.extensionFor(number), isService(configuration.route(for: number)) {
            target = .service(ext)
        } else if let agent = agentTarget(for: number) {
            // Agents are services too: anyone may call them (their tools reach only configured targets).
            target = agent
        } else if case .conference(let room, let settings) = configuration.route(for: number) {
            // Conferences are services: open to any caller (a PIN guards them when configured).
            guard conferenceHasRoom(room, settings: settings) else {
                log.info("conference full", metadata: ["room": "\(room)"])
                sip.respond(handle, status: 486)
                return
            }
            target = .conference(room: room, settings)
        } else if let pbx, let source = message.source {
            // Users and trunks need credentials. An unknown number gets the same 407 as a known one,
            // so a scanner cannot tell which extensions exist.
            let auth = pbx.authenticate(method: "INVITE", requestURI: message.requestURI ?? "",
                                        credentials: message.headers(named: "Proxy-Authorization"), proxy: true,
                                        expectedUser: message.fromUser, source: SourceAddress(host: source.host, port: source.port))
            switch auth {
            case .failure(let reply):
                sip.respond(handle, status: reply.status, headers: reply.headerLines)
                return
            case .success(let user):
                caller = user
                endpoint = EndpointMedia(configuration.user(user.username))
            }
            switch configuration.route(for: number) {
            case .user(let ext, let timeout) where pbx.directory.user(ext) != nil:
                target = .user(ext)
                ringTimeout = timeout
            case .trunk(let name, let out):
                target = .trunk(name: name, number: out)
            case .park(let slot, _):
                guard parkingLot[slot].flatMap({ liveParked($0) }) != nil else {
                    log.info("pickup refused: nothing parked", metadata: ["slot": "\(slot)"])
                    sip.respond(handle, status: 404)
                    return
                }
                target = .pickup(slot: slot)
            default:
                log.info("call rejected: no such extension", metadata: ["to": "\(number)", "from": "\(message.from ?? "?")"])
                sip.respond(handle, status: 404)
                return
            }
        } else {
            log.info("call rejected: no such extension", metadata: ["to": "\(number)", "from": "\(message.from ?? "?")"])
            sip.respond(handle, status: 404)
            return
        }
        if case .agent(let name, _) = target, agents?.catalog.current(named: name) == nil {
            log.error("call rejected: agent not loaded", metadata: ["agent": "\(name)"])
            sip.respond(handle, status: 503, headers: ["Retry-After: 30"])
            return
        }
        let offer: SessionDescription?
        do {
            offer = try SDPBody.read(message)
        } catch {
            log.info("call rejected: unusable body", metadata: ["reason": "\(error)"])
            reject(error, on: handle)
            return
        }
        let stream: MediaStream
        do {
            stream = try media.openStream(logger: log) { [weak self] event in self?.mediaEvent(event) }
        } catch {
            log.error("call rejected: \(error)")
            sip.respond(handle, status: 503, headers: ["Retry-After: 2"])
            return
        }
        let local = localAudio(for: stream, endpoint: endpoint)
        let call = Call(handle: handle, callID: message.callID ?? "", from: message.from ?? "", target: target,
                        stream: stream, local: local, logger: log)
        call.caller = caller
        call.ledger.inboundTrunk = trunk(for: message.source)?.trunk.name
        call.remoteAllow = message.headers(named: "Allow")
        var sdp: String
        if let offer {
            do {
                let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
                call.audio = audio
                sdp = answer.serialized()
            } catch {
                log.info("call rejected: not acceptable media", metadata: ["reason": "\(error.reason)"])
                stream.close()
                sip.respond(handle, status: 488, headers: [warning(error.reason)])
                return
            }
        } else {
            // Delayed offer (RFC 3261 §13.2.1): we offer in the 200, the answer comes in the ACK.
            let (ours, pending) = AudioNegotiation.offer(local: local)
            sdp = ours.serialized()
            call.pendingOffer = pending
        }
        call.lastLocalSDP = sdp
        register(call)
        log.info("call started", metadata: [
            "from": "\(message.from ?? "?")", "to": "\(number)", "action": "\(call.service.map { "\($0.action)" } ?? "\(call.target)")",
            "codec": "\(call.audio?.codecName ?? "offered")", "srtp": "\(call.audio?.srtp?.suite.sdesName ?? "off")",
            "source": "\(message.source?.description ?? "?")",
            "transport": "\(message.transport ?? "?")",
        ])
        if let audio = call.audio {
            stream.configure(audio)
        }
        guard let service = call.service else {
            if case .trunk(let name, let out) = call.target {
                dialTrunk(call, trunkName: name, number: out, caller: caller)
            } else if call.isAnsweredByParley {
                sip.respond(handle, status: 180)
                call.answerTimer = sip.schedule(after: 20) { [weak self, weak call] in
                    guard let self, let call else { return }
                    call.answerTimer = nil
                    self.answer(call)
                }
            } else {
                ring(call, caller: caller, timeoutSeconds: ringTimeout)
            }
            return
        }
        if service.earlyMediaMilliseconds > 0, call.audio != nil {
            // 183 Session Progress with the answer; media flows before the call is answered.
            startSource(for: call)
            sip.respond(handle, status: 183, contentType: Self.sdpType, body: sdp)
            call.answerTimer = sip.schedule(after: service.earlyMediaMilliseconds) { [weak self, weak call] in
                guard let self, let call else { return }
                call.answerTimer = nil
                self.answer(call)
            }
        } else {
            // Ring for one media tick before answering: a 180 and a 200 sent back to back can be
            // reordered by proxies with several worker processes (Kamailio), and some UACs choke on
            // a 180 after the 200.
            sip.respond(handle, status: 180)
            call.answerTimer = sip.schedule(after: 20) { [weak self, weak call] in
                guard let self, let call else { return }
                call.answerTimer = nil
                self.answer(call)
            }
        }
    }

    /// Sends the 200 OK with our SDP and starts the extension's media.
    func answer(_ call: Call) {
        guard call.phase == .offered, let sdp = call.lastLocalSDP else { return }
        sip.respond(call.handle, status: 200, contentType: Self.sdpType, body: sdp)
        call.phase = .answered
        call.answeredAt = .now
        startSource(for: call)
        reportCallAnswered(call)
    }

    /// Points the stream at what the extension does.
    func startSource(for call: Call) {
        guard let service = call.service else {
            // A user or trunk call: its room carries the audio. A conference caller joins (or
            // hears the PIN prompt) once media is negotiated.
            if case .conference = call.target, call.audio != nil { startConference(call) }
            if case .agent = call.target, call.audio != nil { startAgent(call) }
            if case .pickup(let slot) = call.target { pickUp(call, slot: slot) }
            return
        }
        switch service.action {
        case .echo:
            call.stream.play(.echo)
        case .playback(let sound, let loop, _):
            let url = configuration.soundFile(sound, sampleRate: call.sampleRate)
            do {
                call.stream.play(.sound(try sounds.clip(at: url, sampleRate: call.sampleRate), loop: loop))
            } catch {
                call.logger.error("cannot play sound: \(error)")
            }
        }
    }

    private func isService(_ route: ParleyConfiguration.Route?) -> Bool {
        switch route {
        case .echo, .playback: return true
        default: return false
        }
    }

    /// Our side of a new stream, from the configuration.
    /// Our side of a new stream: the endpoint's own codec and SRTP preferences (a user's or a
    /// trunk's) when it has them, else `rtp.codecs` and `rtp.srtp`.
    func localAudio(for stream: MediaStream, endpoint: EndpointMedia = EndpointMedia()) -> LocalAudio {
        let rtp = configuration.rtp
        let codecs = (endpoint.codecs ?? rtp.codecs).compactMap { CodecDescription.Encoding(name: $0) }
        let srtp = endpoint.srtp?.rawValue ?? rtp.srtp
        return LocalAudio(address: stream.localAddress, port: stream.localPort, codecs: codecs, ptime: rtp.ptime,
                          sessionID: String(UInt32.random(in: 1...UInt32.max)), sessionVersion: 1,
                          srtp: SRTP.SRTPPolicy(rawValue: srtp) ?? .optional)
    }

    /// The media preferences of the endpoint on one leg.
    struct EndpointMedia {
        var codecs: [String]?
        var srtp: ParleyConfiguration.SRTPPolicy?

        init(codecs: [String]? = nil, srtp: ParleyConfiguration.SRTPPolicy? = nil) {
            self.codecs = codecs
            self.srtp = srtp
        }

        init(_ user: ParleyConfiguration.User?) {
            self.init(codecs: user?.codecs, srtp: user?.srtp)
        }

        init(_ trunk: ParleyConfiguration.Trunk) {
            self.init(codecs: trunk.codecs, srtp: trunk.srtp)
        }
    }

    /// Refuses a request whose body we cannot use: 415 with Accept for a non-SDP body, 488 for bad SDP.
    func reject(_ problem: SDPBody.Problem, on handle: SIPHandle, toCurrentRequest: Bool = false) {
        switch problem {
        case .unsupportedType:
            sip.respond(handle, status: 415, headers: ["Accept: application/sdp"], toCurrentRequest: toCurrentRequest)
        case .malformed(let reason):
            sip.respond(handle, status: 488, headers: [warning("malformed SDP: \(reason)")], toCurrentRequest: toCurrentRequest)
        }
    }

    func warning(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
        return "Warning: 399 parley \"\(clean)\""
    }
}
